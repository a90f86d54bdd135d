// The watch page's player: the clip's root element and its <video> (an <audio> for a
// sound-only class), seeking, and showing the player: its stream as soon as the first
// segments exist (while the rest is still being made), or its MP4 (a clip from before
// streams, or a blurred one).
import { whenMetadata } from "../lib/dom.js";
import { playSpan } from "../lib/moment.js";
import { stamp } from "../lib/time.js";
import { attachStream, showDone, streaming } from "./stream.js";

export const root = document.getElementById("clip");
export const video = document.getElementById("video");

export function seek(seconds) {
  video.currentTime = seconds;
  video.focus();
}

// "Play from 00:05" (or a range's "00:05–00:12", which stops at its end), and a timeline
// marker: move there and play, with the focus on the player.
export function playFrom(seconds, end) {
  playSpan(video, seconds, end);
  video.focus();
}

// The clip's length: the length the server measured while the stream still grows (the
// player knows only the part done), else the player's once it knows.
export function clipDuration() {
  const measured = Number(root.dataset.duration) || 0;
  if (root.dataset.status !== "ready" && measured) return measured;
  return video.duration || measured;
}

function reveal(s) {
  if (video.tagName === "VIDEO" && s.poster_url) video.poster = s.poster_url;
  document.getElementById("player").hidden = false;
}

async function play(s) {
  if (s.stream_url && video.tagName === "VIDEO" && (await attachStream(video, s.stream_url))) {
    return;
  }
  if (s.video_url) video.src = s.video_url;
}

export function showPlayer(s) {
  if (root.dataset.status === "ready" && !document.getElementById("player").hidden) return;
  root.dataset.status = "ready";
  document.getElementById("processing").hidden = true;
  const done = document.getElementById("stream-done");
  if (done) done.hidden = true;
  // A stream already playing carries on: its playlist has ended, and it plays to the end.
  // Otherwise the player shows once its source is attached, so a press on play is not
  // cut short by the source arriving after it.
  if (streaming()) reveal(s);
  else play(s).then(function () { reveal(s); });
}

// Still processing, but the first segments exist: play what is done, and show how far it is.
export function showStream(s) {
  if (s.duration) root.dataset.duration = s.duration;
  showDone(document.getElementById("timeline"), s.stream_seconds, clipDuration());
  document.getElementById("processing-text").textContent =
    "Playable up to " + stamp(s.stream_seconds) + "; the rest is still being prepared.";
  if (!document.getElementById("player").hidden || showStream.pending) return;
  showStream.pending = true;
  play(s).then(function () { reveal(s); });
}

// A ready clip with a stream plays it; otherwise the page's own MP4 source plays.
export function playReadyStream() {
  const url = root.dataset.streamUrl;
  if (root.dataset.status === "ready" && url && video.tagName === "VIDEO") {
    play({ stream_url: url, video_url: root.dataset.videoUrl });
  }
}

// Open a clip at a moment: /clips/12?t=73.5
export function openAtRequestedMoment() {
  const start = Number(new URLSearchParams(window.location.search).get("t"));
  if (start > 0) {
    whenMetadata(video, function () { video.currentTime = start; });
  }
}
