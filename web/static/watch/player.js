// The watch page's player: the clip's root element and its <video> (an <audio> for a
// sound-only class), seeking, and showing the player once processing is done.
import { whenMetadata } from "../lib/dom.js";

export const root = document.getElementById("clip");
export const video = document.getElementById("video");

export function seek(seconds) {
  video.currentTime = seconds;
  video.focus();
}

// "Play from 00:05": move there and play (a browser that refuses to autoplay still seeks).
export function playFrom(seconds) {
  seek(seconds);
  const started = video.play();
  if (started && started.catch) started.catch(function () {});
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
