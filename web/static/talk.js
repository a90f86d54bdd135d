// The talk panel of a clip page: jump to a moment from the strip, a question or a figure,
// show the playhead on the strip, and fill the panel in once the transcript is ready.
import { poller } from "./lib/poll.js";
import { applySizes } from "./lib/sizes.js";
import { clipDuration, seek, video } from "./watch/player.js";

const panel = document.getElementById("talk");

function pending() { return document.getElementById("talk-pending") !== null; }

let playhead = null;
function placePlayhead() {
  const strip = document.getElementById("talk-strip");
  if (!strip) return;
  if (!playhead || !strip.contains(playhead)) {
    playhead = document.createElement("span");
    playhead.className = "talk-playhead";
    playhead.setAttribute("aria-hidden", "true");
    strip.append(playhead);
  }
  const duration = clipDuration();
  playhead.style.left = duration ? (video.currentTime / duration * 100) + "%" : "0";
}

if (panel && video) {
  panel.addEventListener("click", function (event) {
    const target = event.target.closest("[data-seek]");
    if (!target || !panel.contains(target)) return;
    seek(Number(target.dataset.seek));
  });

  video.addEventListener("timeupdate", placePlayhead);
  video.addEventListener("seeked", placePlayhead);
  placePlayhead();

  // Figures are saved just after the transcript; ask again briefly (every 1.5 s, six times
  // at most) if they are not there yet. A failed request leaves the panel saying the
  // figures will appear.
  const figures = poller(panel.dataset.url, function (html) {
    panel.innerHTML = html;
    applySizes(panel);
    placePlayhead();
    return !pending();
  }, {
    accept: "text/html",
    read: function (r) { return r.ok ? r.text() : Promise.reject(r.status); },
    interval: 1500,
    retry: null,
    tries: 6,
  });
  document.addEventListener("transcript-ready", function () {
    if (pending()) figures.start();
  });
}
