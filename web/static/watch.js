// The watch page: follow processing until the clip is ready, then play it with feedback
// markers on the timeline, comment at the playhead, and seek from a comment or marker.
// The pieces live in static/watch/; this entry wires them in the order the page needs.
import { addComment, initComments, renderComments } from "./watch/comments.js";
import { initCommentForm } from "./watch/comment-form.js";
import { initFollow } from "./watch/follow.js";
import { initHighlight } from "./watch/highlight.js";
import { openAtRequestedMoment, root, video } from "./watch/player.js";
import { followStatus } from "./watch/status.js";
import { initTranscript } from "./watch/transcript.js";

if (root) {
  initComments();
  initFollow();
  // The transcript's "Comment" buttons start a comment in the form, drawn only with the form.
  let commentOnLine = null;
  initTranscript(document.getElementById("comment-form") ? function (seg) { commentOnLine(seg); } : null);
  followStatus();
  video.addEventListener("loadedmetadata", renderComments);
  openAtRequestedMoment();
  commentOnLine = initCommentForm(addComment);
  initHighlight();
  renderComments();
}
