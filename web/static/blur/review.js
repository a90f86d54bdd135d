// The uploader's check of a finished blur: the strip of faces found under the video, areas to
// blur as well, "blur again with these additions" and "looks right: share", each sent without
// leaving the page; the check's parts follow the blur's state as the panel shows it.
import { postForm } from "../lib/http.js";
import { initRegions } from "./regions.js";
import { initStrip } from "./strip.js";

const INTRO = {
  review: "Play it through. Where a face is not blurred, pause there and draw an area to blur; " +
    "then blur again. When it looks right, share it.",
  ready: "Spotted a face the blur missed? Pause there, draw an area to blur, and blur again: " +
    "the new video waits for your check before anyone else sees it.",
};

function byId(id) { return document.getElementById(id); }

// blur: the panel's { render(state) } (blur/panel.js). Returns { update(state) }.
export function initReview(video, root, blur) {
  const checker = byId("blur-review");
  const intro = byId("blur-review-intro");
  const againForm = byId("blur-again-form"), confirmForm = byId("blur-confirm-form");
  const error = byId("blur-review-error");
  const stateText = byId("blur-state");
  const duration = parseFloat(root.dataset.duration) || 0;
  const strip = initStrip(video, duration);
  const regions = initRegions(video, duration);

  function update(b) {
    const checking = b.status === "review" || b.status === "ready";
    checker.hidden = !checking;
    confirmForm.hidden = b.status !== "review";
    if (checking) intro.textContent = INTRO[b.status];
    else regions.close();
    if (!strip) return;
    if (checking && b.face_strip) strip.draw(b.face_strip); else if (!checking) strip.hide();
  }

  function submit(form, failed) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      error.textContent = "";
      const sent = form.querySelector("button");
      sent.disabled = true;
      postForm(form.action, {})
        .then(function (res) {
          if (!res.ok) { error.textContent = res.data.error || failed; return; }
          blur.render(res.data.blur);
          stateText.focus();  // the button may be gone: say where things stand
        })
        .catch(function () { error.textContent = failed + " Check your connection and try again."; })
        .finally(function () { sent.disabled = false; });
    });
  }

  submit(againForm, "The blur was not asked for again.");
  submit(confirmForm, "The blurred video was not shared.");
  if (strip && !checker.hidden) strip.draw(JSON.parse(byId("blur-strip-data").textContent));
  return { update: update };
}
