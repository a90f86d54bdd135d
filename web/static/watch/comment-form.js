// The form to comment at the playhead: C pins the moment (and pauses), E sets where a range
// ends, a transcript line's "Comment" quotes it, and Ctrl+Enter adds the comment.
import { postForm } from "../lib/http.js";
import { stamp } from "../lib/time.js";
import { seek, video } from "./player.js";

function byId(id) { return document.getElementById(id); }

// Wires the form if it is on the page; returns commentOnLine(seg) for the transcript, or null.
export function initCommentForm(onAdded) {
  const form = byId("comment-form");
  if (!form) return null;
  const atInput = byId("comment-at");
  const timeLabel = byId("comment-time");
  const endInput = byId("comment-end");
  const endLabel = byId("comment-end-time");
  const endButton = byId("comment-end-playhead");
  const endClear = byId("comment-end-clear");
  const body = byId("comment-body");
  const error = byId("comment-error");
  let pinned = false;  // once the teacher starts a comment, keep its moment
  let ended = false;  // and once they set where a range ends, keep that too

  video.addEventListener("timeupdate", function () {
    if (!pinned) timeLabel.textContent = stamp(video.currentTime);
    if (!ended) endLabel.textContent = stamp(video.currentTime);
  });

  function commentAtPlayhead() {
    video.pause();
    pinned = true;
    atInput.value = video.currentTime.toFixed(2);
    timeLabel.textContent = stamp(video.currentTime);
    if (ended && Number(endInput.value) <= Number(atInput.value)) clearEnd();
    body.focus();
  }
  function endAtPlayhead() {
    error.textContent = "";
    if (!pinned) {
      error.textContent = "First choose where it starts: press C or \u201cComment at\u201d.";
      return;
    }
    const t = video.currentTime;
    if (t <= Number(atInput.value)) {
      error.textContent = "Play on past " + stamp(Number(atInput.value)) + ", then set the end.";
      return;
    }
    video.pause();
    ended = true;
    endInput.value = t.toFixed(2);
    endLabel.textContent = stamp(t);
    endButton.classList.add("set");
    endClear.hidden = false;
  }
  function clearEnd() {
    ended = false;
    endInput.value = "";
    endLabel.textContent = stamp(video.currentTime);
    endButton.classList.remove("set");
    endClear.hidden = true;
  }
  function commentOnLine(seg) {
    video.pause();
    seek(seg.start);
    pinned = true;
    clearEnd();
    atInput.value = Number(seg.start).toFixed(2);
    timeLabel.textContent = stamp(seg.start);
    body.value = "\u201c" + seg.text + "\u201d \u2014 ";
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
  }

  byId("comment-at-playhead").addEventListener("click", commentAtPlayhead);
  endButton.addEventListener("click", endAtPlayhead);
  endClear.addEventListener("click", function () { clearEnd(); body.focus(); });
  document.addEventListener("keydown", function (e) {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "c" || e.key === "C") { e.preventDefault(); commentAtPlayhead(); }
    if (e.key === "e" || e.key === "E") { e.preventDefault(); endAtPlayhead(); }
  });
  body.addEventListener("focus", function () {
    if (!pinned) { atInput.value = video.currentTime.toFixed(2); pinned = true; }
  });
  body.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    error.textContent = "";
    if (!body.value.trim()) { error.textContent = "Please write a comment first."; return; }
    if (!pinned) atInput.value = video.currentTime.toFixed(2);
    // What was typed stays in the form until the server has saved it.
    postForm(form.action, new FormData(form))
      .then(function (res) {
        if (!res.ok) { error.textContent = res.data.error || "The comment was not saved."; return; }
        onAdded(res.data.comment);
        body.value = "";
        pinned = false;
        clearEnd();
        form.querySelector("#comment-kinds input[value=note]").checked = true;
        timeLabel.textContent = stamp(video.currentTime);
      })
      .catch(function () { error.textContent = "The comment was not saved: check your connection and try again."; });
  });
  return commentOnLine;
}
