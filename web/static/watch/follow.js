// The comment being passed lights up as playback reaches it (as the transcript line does),
// and is read out politely by a live region while the clip plays; focus never moves.
// A range comment is current over its range; a moment comment for a few seconds after it.
import { stamp } from "../lib/time.js";
import { video } from "./player.js";

const MOMENT = 4;  // seconds a comment on a moment stays lit
const list = document.getElementById("comment-list");
const announcer = document.getElementById("comment-now");
let currentId = null;

function windowOf(item) {
  const at = Number(item.dataset.at);
  const end = item.dataset.end ? Number(item.dataset.end) : at + MOMENT;
  return [at, Math.max(end, at + 0.5)];
}

function findCurrent(t) {
  let found = null;
  list.querySelectorAll(":scope > li.comment:not(.deleted)").forEach(function (item) {
    const w = windowOf(item);
    if (w[0] <= t + 0.05 && t < w[1]) found = item;  // in time order: the latest to start wins
  });
  return found;
}

function announce(item) {
  if (!announcer || video.paused) return;
  const kind = item.querySelector(".kind-badge");
  const author = item.querySelector(".author");
  const body = item.querySelector(".body");
  announcer.textContent = "Feedback at " + stamp(Number(item.dataset.at)) +
    (kind ? ", " + kind.textContent : "") + (author ? " from " + author.textContent : "") +
    (body ? ": " + body.textContent : "");
}

// Mark the comment at the playhead; called on playback and after every redraw of the list.
export function followFeedback() {
  const item = findCurrent(video.currentTime || 0);
  const id = item ? item.dataset.id : null;
  list.querySelectorAll(":scope > li.comment.current").forEach(function (li) {
    if (li !== item) { li.classList.remove("current"); li.removeAttribute("aria-current"); }
  });
  if (item) { item.classList.add("current"); item.setAttribute("aria-current", "true"); }
  if (id === currentId) return;
  currentId = id;
  if (item) announce(item);
}

export function initFollow() {
  video.addEventListener("timeupdate", followFeedback);
  video.addEventListener("seeked", followFeedback);
}
