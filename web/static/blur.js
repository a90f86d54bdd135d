// The watch page's face-blur panel: follow a blur to the end, withhold the video from those
// who must wait for it, let the uploader switch to the unblurred original and check a
// finished blur (touching it up before sharing it), and let the owner or mentor ask for a
// blur that keeps the teacher's face clear by clicking it on the video.
import { initBlurPanel } from "./blur/panel.js";
import { initFacePicker } from "./blur/pick.js";
import { initReview } from "./blur/review.js";

const panel = document.getElementById("blur");
const root = document.getElementById("clip");
const video = document.getElementById("video");
if (panel && root && video) {
  let review = null;
  const blur = initBlurPanel(panel, root, video, function (state) { if (review) review.update(state); });
  // Only the owner and the mentor may ask for a blur, so only they get the buttons.
  if (document.getElementById("blur-request")) initFacePicker(video, blur.send);
  // Only the uploader checks a finished blur.
  if (document.getElementById("blur-review")) review = initReview(video, root, blur);
}
