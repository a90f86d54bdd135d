// The feedback list beside the player and its markers on the timeline: the threads as the
// server last answered them, redrawn after every change, with what someone has typed into a
// reply or an edit kept until it is saved.
import { getJSON, postForm } from "../lib/http.js";
import { followFeedback } from "./follow.js";
import { clipDuration, root } from "./player.js";
import { renderThread } from "./threads.js";
import { renderMarker } from "./timeline.js";

const list = document.getElementById("comment-list");
const timeline = document.getElementById("timeline");
const noComments = document.getElementById("no-comments");
const OFFLINE = "That was not saved: check your connection and try again.";

let comments = [];
let focusAfterRender = null;

// Shared with the thread renderer (threads.js); who may do what is read by initComments.
const page = {
  canComment: false,
  canMarkSeen: false,
  // Only the ECT's mentor gets a link that turns a "next step" comment into an action step.
  newStepUrl: "",
  // What someone has typed into a reply or an edit survives re-rendering until it is saved.
  drafts: { reply: {}, edit: {} },
  // Redraw, then focus what `selector` finds in the list (if given).
  rerender: function (selector) {
    if (selector) focusAfterRender = selector;
    renderComments();
  },
  // After a redraw, focus what `selector` finds (without redrawing now).
  focusNext: function (selector) { focusAfterRender = selector; },
  write: write,
};

export function initComments() {
  comments = JSON.parse(document.getElementById("comments-data").textContent);
  page.canComment = root.dataset.canComment === "true";
  page.canMarkSeen = root.dataset.canMarkSeen === "true";
  page.newStepUrl = root.dataset.newStepUrl || "";
  document.addEventListener("clip-ready", function () {
    getJSON(root.dataset.commentsListUrl).then(function (data) {
      comments = data.comments;
      renderComments();
    }).catch(function () { /* the list on the page stays as it was */ });
  });
}

export function renderComments() {
  comments.sort(function (a, b) { return a.at_seconds - b.at_seconds || a.id - b.id; });
  list.replaceChildren();
  timeline.replaceChildren();
  noComments.hidden = comments.length > 0;
  const duration = clipDuration();
  comments.forEach(function (c) {
    list.append(renderThread(c, page));
    if (duration > 0 && !c.deleted) timeline.append(renderMarker(c, duration));
  });
  followFeedback();
  if (focusAfterRender) {
    const target = list.querySelector(focusAfterRender);
    if (target) target.focus();
    focusAfterRender = null;
  }
}

export function addComment(comment) {
  comments.push(comment);
  renderComments();
}

// A write answers with the thread it changed, or null when the thread is no longer listed.
function applyThread(data) {
  const i = comments.findIndex(function (c) { return c.id === data.thread_id; });
  if (data.thread) {
    if (i >= 0) comments[i] = data.thread; else comments.push(data.thread);
  } else if (i >= 0) {
    comments.splice(i, 1);
  }
  renderComments();
}

function write(url, fields, error, done) {
  error.textContent = "";
  postForm(url, fields)
    .then(function (res) {
      if (!res.ok) { error.textContent = res.data.error || "That was not saved."; return; }
      if (done) done();
      applyThread(res.data);
    })
    .catch(function () { error.textContent = OFFLINE; });
}
