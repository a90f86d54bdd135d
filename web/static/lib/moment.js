// Playing a comment's moment, or its range, in a media element: from the start, and for a
// range, pausing at its end. Seeking away from the range (a marker, the scrubber) forgets it,
// so playback elsewhere is never cut short.

function watchRange(media) {
  if (media.dataset.rangeWatched) return;
  media.dataset.rangeWatched = "1";
  media.addEventListener("timeupdate", function () {
    const end = media.dataset.stopAt;
    if (end && media.currentTime >= Number(end)) {
      media.pause();
      media.dataset.stopAt = "";
    }
  });
  media.addEventListener("seeked", function () {
    const start = Number(media.dataset.stopFrom);
    const end = Number(media.dataset.stopAt);
    if (media.dataset.stopAt && (media.currentTime < start - 0.5 || media.currentTime > end)) {
      media.dataset.stopAt = "";
    }
  });
}

// Move to `at` and play; with an `end`, stop there. A browser that refuses to autoplay
// still seeks.
export function playSpan(media, at, end) {
  watchRange(media);
  media.dataset.stopFrom = String(at);
  media.dataset.stopAt = end != null ? String(end) : "";
  media.currentTime = at;
  const started = media.play();
  if (started && started.catch) started.catch(function () {});
}
