// The review page plays a comment's moment in place: a click on "00:05" (or "00:05–00:12")
// opens the clip's player above its comments, plays from there and, for a range, stops at
// its end. Without scripts the link still opens the clip page at that moment.
import { whenMetadata } from "../lib/dom.js";
import { playSpan } from "../lib/moment.js";

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
  box.querySelector(".moment-now").textContent =
    (end != null ? "Playing " : "Playing from ") + link.textContent.trim();
  whenMetadata(video, function () { playSpan(video, at, end); });
  box.scrollIntoView({ block: "nearest" });
  return true;
}

document.querySelectorAll(".mentor-comments a.at[data-at]").forEach(function (link) {
  link.addEventListener("click", function (e) {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;  // a new tab: the clip page
    if (playMoment(link)) e.preventDefault();
  });
});
