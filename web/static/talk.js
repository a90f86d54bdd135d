// The talk panel of a clip page: jump to a moment from the strip, a question or a figure,
// show the playhead on the strip, and fill the panel in once the transcript is ready.
(function () {
  "use strict";
  const panel = document.getElementById("talk");
  const video = document.getElementById("video");
  if (!panel || !video) return;

  panel.addEventListener("click", function (event) {
    const target = event.target.closest("[data-seek]");
    if (!target || !panel.contains(target)) return;
    video.currentTime = Number(target.dataset.seek);
    video.focus();
  });

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
    const duration = video.duration || Number(document.getElementById("clip").dataset.duration) || 0;
    playhead.style.left = duration ? (video.currentTime / duration * 100) + "%" : "0";
  }
  video.addEventListener("timeupdate", placePlayhead);
  video.addEventListener("seeked", placePlayhead);
  placePlayhead();

  // Figures are saved just after the transcript; ask again briefly if they are not there yet.
  function refresh(triesLeft) {
    if (!document.getElementById("talk-pending")) return;
    fetch(panel.dataset.url, { headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        panel.innerHTML = html;
        placePlayhead();
        if (document.getElementById("talk-pending") && triesLeft > 0) {
          setTimeout(function () { refresh(triesLeft - 1); }, 1500);
        }
      })
      .catch(function () { /* the panel keeps saying the figures will appear */ });
  }
  document.addEventListener("transcript-ready", function () { refresh(5); });
}());
