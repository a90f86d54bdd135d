// The review page plays a comment's moment in place: a click on "00:05" (or "00:05–00:12")
// opens the clip's player above its comments, plays from there and, for a range, stops at
// its end. Without scripts the link still opens the clip page at that moment.
import { whenMetadata } from "../lib/dom.js";

function playMoment(link) {
  const article = link.closest(".review-clip");
  const box = article && article.querySelector(".moment-player");
  if (!box) return false;
  const video = box.querySelector("video");
  const at = Number(link.dataset.at);
  const end = link.dataset.end ? Number(link.dataset.end) : null;
  box.hidden = false;
  if (!video.getAttribute("src")) {
    video.preload = "metadata";  // nothing loads until a moment is asked for
    video.src = box.dataset.videoUrl;
  }
  video.dataset.stopAt = end != null ? String(end) : "";
  box.querySelector(".moment-now").textContent =
    (end != null ? "Playing " : "Playing from ") + link.textContent.trim();
  whenMetadata(video, function () {
    video.currentTime = at;
    const started = video.play();
    if (started && started.catch) started.catch(function () {});
  });
  box.scrollIntoView({ block: "nearest" });
  return true;
}

function stopAtRangeEnd(e) {
  const video = e.target;
  const stopAt = video.dataset.stopAt;
  if (stopAt && video.currentTime >= Number(stopAt)) {
    video.pause();
    video.dataset.stopAt = "";
  }
}

document.querySelectorAll(".moment-player video").forEach(function (video) {
  video.addEventListener("timeupdate", stopAtRangeEnd);
});
document.querySelectorAll(".mentor-comments a.at[data-at]").forEach(function (link) {
  link.addEventListener("click", function (e) {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;  // a new tab: the clip page
    if (playMoment(link)) e.preventDefault();
  });
});
