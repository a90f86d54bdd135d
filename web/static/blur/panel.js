// The face-blur panel's state: follow a blur to the end, withhold the video from those who
// must wait for it (also while the uploader checks it), show the uploader the blurred video
// waiting for their check, show the blurred video once it is shared, and ask for a blur.
import { postForm } from "../lib/http.js";
import { poller } from "../lib/poll.js";

const WAITING = "Pupils' faces are being blurred; the video appears here when that is done.";
const FAILED = "Pupils' faces must be blurred before this video can be shown, and the blur did not work.";
const CONSENT = "Some pupils in this clip have not consented to being seen: their faces must be " +
  "blurred before the video can be shown.";

function reviewWait(owner) {
  return "Waiting for " + owner + " to check the blurred video: it appears here once they share it.";
}

function byId(id) { return document.getElementById(id); }

function fresh(url) { return url + (url.indexOf("?") >= 0 ? "&" : "?") + "v=" + Date.now(); }

// Returns { send(fields), render(blur) }: ask for a blur (resolves to whether it was saved);
// show a blur state answered by the server. `onRender(blur)` hears of every state shown.
export function initBlurPanel(panel, root, video, onRender) {
  const withheldText = byId("blur-withheld");
  const progress = byId("blur-progress");
  const bar = byId("blur-bar");
  const stateText = byId("blur-state");
  const notice = byId("blur-notice");
  const failure = byId("blur-failure");
  const requestButton = byId("blur-request");
  const keepButton = byId("blur-keep");
  const error = byId("blur-error");
  const originalLabel = byId("blur-original");
  const originalToggle = byId("blur-original-toggle");
  const isUploader = !!originalToggle;
  const checker = byId("blur-review");  // the uploader's check of a finished blur
  let status = panel.dataset.status || null;
  let withheld = panel.dataset.withheld === "true";
  let reviewUrl = null;
  // Ask the clip's status route every 1.5 s while a blur runs (4.5 s after a failed request).
  const blurPoll = poller(root.dataset.statusUrl, function (s) { render(s.blur); return !running(); },
                          { first: 1500, interval: 1500, retry: 4500 });
  // Others wait for the uploader's check: ask now and then, to show the video once shared.
  const reviewPoll = poller(root.dataset.statusUrl, function (s) { render(s.blur); return status !== "review"; },
                            { first: 10000, interval: 10000, retry: 20000 });

  function running() { return status === "requested" || status === "processing"; }

  // The uploader watches the blurred video waiting for their check in place of the clip's.
  function blurredUrl() { return reviewUrl || fresh(root.dataset.videoUrl); }

  // Swap the video's source, keeping the moment (and playing on if it was playing).
  function load(url, poster) {
    const at = video.currentTime, paused = video.paused;
    video.src = url;
    if (poster) video.poster = poster;
    video.addEventListener("loadedmetadata", function () {
      if (at) video.currentTime = at;
      if (!paused) video.play().catch(function () {});
    }, { once: true });
  }

  function withhold() {
    video.pause();
    video.removeAttribute("src");
    video.removeAttribute("poster");
    video.load();
    video.hidden = true;
  }

  function showBlurred() {
    if (video.hidden) video.hidden = false;
    if (originalToggle && originalToggle.checked) return;
    if (reviewUrl) {
      video.removeAttribute("poster");  // the clip's poster is the unblurred one
      load(reviewUrl);
    } else {
      load(fresh(root.dataset.videoUrl), fresh(root.dataset.posterUrl));
    }
  }

  function render(b) {
    const was = status, wasWithheld = withheld, wasReviewUrl = reviewUrl;
    status = b.status;
    withheld = b.withheld;
    reviewUrl = status === "review" && b.review_url ? fresh(b.review_url) : null;
    if (wasReviewUrl && reviewUrl) reviewUrl = wasReviewUrl;  // the same video: keep its place
    panel.hidden = !(status || withheld || requestButton);
    withheldText.hidden = !withheld;
    withheldText.textContent = !status ? CONSENT : status === "failed" ? FAILED
      : status === "review" ? reviewWait(panel.dataset.owner) : WAITING;
    const pct = Math.floor((b.progress || 0) * 100);
    progress.hidden = !running();
    bar.style.width = pct + "%";
    if (running()) stateText.textContent = "Blurring pupils' faces: " + b.stage_label + "\u2026 " + pct + "%";
    else if (status === "ready") stateText.textContent = "Pupils' faces are blurred" + (isUploader ? " for everyone but you." : ".");
    else if (status === "review" && checker) stateText.textContent = "The blurred video is ready for you to check. Nobody else sees this clip's video until you share it.";
    else if (status === "review") stateText.textContent = "The blurred video is waiting for " + panel.dataset.owner + "'s check.";
    else stateText.textContent = "";
    notice.hidden = !b.notice;
    notice.textContent = b.notice || "";
    failure.hidden = !b.failure;
    failure.textContent = b.failure ? "Faces could not be blurred: " + b.failure : "";
    if (requestButton) {
      // The uploader checking a blur blurs again from the check's own buttons.
      requestButton.hidden = running() || status === "review" || (!!checker && status === "ready");
      requestButton.textContent = status === "failed" ? "Try the blur again"
        : status === "ready" ? "Blur pupils' faces again" : "Blur pupils' faces";
      keepButton.hidden = withheld;
    }
    const showing = status === "ready" || status === "review";
    if (withheld && !wasWithheld) withhold();
    if (showing && was !== status) {
      if (originalLabel) originalLabel.hidden = false;
      if (!withheld) showBlurred();
    } else if (!withheld && (wasWithheld || (wasReviewUrl && !reviewUrl))) {
      showBlurred();  // shown at last, or the video that waited for a check is gone
    }
    if (running()) blurPoll.start();
    if (status === "review" && withheld) reviewPoll.start();
    if (onRender) onRender(b);
  }

  function send(fields) {
    error.textContent = "";
    return postForm(panel.dataset.requestUrl, fields)
      .then(function (res) {
        if (!res.ok) { error.textContent = res.data.error || "The blur was not asked for."; return false; }
        render(res.data.blur);
        return true;
      })
      .catch(function () {
        error.textContent = "The blur was not asked for: check your connection and try again.";
        return false;
      });
  }

  if (requestButton) requestButton.addEventListener("click", function () { send({}); });
  if (originalToggle) {
    originalToggle.addEventListener("change", function () {
      load(originalToggle.checked ? panel.dataset.originalUrl : blurredUrl());
    });
  }
  stateText.tabIndex = -1;
  if (withheld) withhold();
  if (running()) blurPoll.start();
  if (status === "review" && checker) {
    reviewUrl = fresh(checker.dataset.candidateUrl);
    showBlurred();
  }
  if (status === "review" && withheld) reviewPoll.start();
  return { send: send, render: render };
}
