// The watch page's player: the clip's root element and its <video> (an <audio> for a
// sound-only class), seeking, and showing the player once processing is done.
import { whenMetadata } from "../lib/dom.js";
import { playSpan } from "../lib/moment.js";

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

// The clip's length: the player's once it knows, else the length the server measured.
export function clipDuration() {
  return video.duration || Number(root.dataset.duration) || 0;
}

export function showPlayer(s) {
  if (root.dataset.status === "ready" && !document.getElementById("player").hidden) return;
  root.dataset.status = "ready";
  document.getElementById("processing").hidden = true;
  if (video.tagName === "VIDEO") video.poster = s.poster_url;  // sound-only: an <audio>
  video.src = s.video_url;
  document.getElementById("player").hidden = false;
}

// Open a clip at a moment: /clips/12?t=73.5
export function openAtRequestedMoment() {
  const start = Number(new URLSearchParams(window.location.search).get("t"));
  if (start > 0) {
    whenMetadata(video, function () { video.currentTime = start; });
  }
}
