// The watch page's face-blur panel: follow a blur to the end, withhold the video from those
// who must wait for it, let the uploader switch to the unblurred original, and let the owner
// or mentor ask for a blur that keeps the teacher's face clear by clicking it on the video.
(function () {
  "use strict";
  const panel = document.getElementById("blur");
  const root = document.getElementById("clip");
  const video = document.getElementById("video");
  if (!panel || !root || !video) return;
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  function byId(id) { return document.getElementById(id); }
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
  const WAITING = "Pupils' faces are being blurred; the video appears here when that is done.";
  const FAILED = "Pupils' faces must be blurred before this video can be shown, and the blur did not work.";
  const CONSENT = "Some pupils in this clip have not consented to being seen: their faces must be " +
    "blurred before the video can be shown.";
  let status = panel.dataset.status || null;
  let withheld = panel.dataset.withheld === "true";
  let polling = false;

  function running() { return status === "requested" || status === "processing"; }

  function fresh(url) { return url + (url.indexOf("?") >= 0 ? "&" : "?") + "v=" + Date.now(); }

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
    load(fresh(root.dataset.videoUrl), fresh(root.dataset.posterUrl));
  }

  function render(b) {
    const was = status, wasWithheld = withheld;
    status = b.status;
    withheld = b.withheld;
    panel.hidden = !(status || withheld || requestButton);
    withheldText.hidden = !withheld;
    withheldText.textContent = !status ? CONSENT : status === "failed" ? FAILED : WAITING;
    const pct = Math.floor((b.progress || 0) * 100);
    progress.hidden = !running();
    bar.style.width = pct + "%";
    if (running()) stateText.textContent = "Blurring pupils' faces: " + b.stage_label + "\u2026 " + pct + "%";
    else if (status === "ready") stateText.textContent = "Pupils' faces are blurred" + (isUploader ? " for everyone but you." : ".");
    else stateText.textContent = "";
    notice.hidden = !b.notice;
    notice.textContent = b.notice || "";
    failure.hidden = !b.failure;
    failure.textContent = b.failure ? "Faces could not be blurred: " + b.failure : "";
    if (requestButton) {
      requestButton.hidden = running();
      requestButton.textContent = status === "failed" ? "Try the blur again"
        : status === "ready" ? "Blur pupils' faces again" : "Blur pupils' faces";
      keepButton.hidden = withheld;
    }
    if (withheld && !wasWithheld) withhold();
    if (status === "ready" && was !== "ready") {
      if (originalLabel) originalLabel.hidden = false;
      if (!withheld) showBlurred();
    } else if (!withheld && wasWithheld) {
      showBlurred();
    }
    if (running()) poll();
  }

  function poll() {
    if (polling) return;
    polling = true;
    setTimeout(function () {
      fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) { polling = false; render(s.blur); })
        .catch(function () { polling = false; setTimeout(poll, 3000); });
    }, 1500);
  }

  function send(fields) {
    error.textContent = "";
    const body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(panel.dataset.requestUrl, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      body: body,
    })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
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

  // Picking the face to keep: an overlay over the picture itself (not the letterbox bars
  // around it) takes one click, or arrow keys and Enter, and sends where as fractions.
  let overlay = null, marker = null, mx = 0.5, my = 0.5;

  function pictureRect() {
    const r = video.getBoundingClientRect();
    const scale = Math.min(r.width / video.videoWidth, r.height / video.videoHeight);
    const w = video.videoWidth * scale, h = video.videoHeight * scale;
    return { left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, width: w, height: h };
  }

  function placeMarker() {
    marker.style.left = (mx * 100) + "%";
    marker.style.top = (my * 100) + "%";
  }

  function stopPicking() {
    if (!overlay) return;
    overlay.remove();
    overlay = null;
    keepButton.setAttribute("aria-pressed", "false");
    // While the video is withheld the button is hidden: the status line says what happens.
    (keepButton.hidden ? stateText : keepButton).focus();
  }

  function choose(x, y) {
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) {
      error.textContent = "Please click on the picture itself.";
      return;
    }
    send({ keep_x: x.toFixed(4), keep_y: y.toFixed(4), keep_t: video.currentTime.toFixed(2) })
      .then(function (ok) { if (ok) stopPicking(); });
  }

  function startPicking() {
    if (overlay) { stopPicking(); return; }
    if (!video.videoWidth) { error.textContent = "Wait for the video to load, then try again."; return; }
    error.textContent = "";
    video.pause();
    const picture = pictureRect();
    const box = video.offsetParent.getBoundingClientRect();
    overlay = document.createElement("div");
    overlay.className = "blur-pick";
    overlay.tabIndex = 0;
    overlay.setAttribute("role", "button");
    overlay.setAttribute("aria-label",
      "Choose the teacher's face: click it, or move the marker with the arrow keys and press Enter. Escape cancels.");
    overlay.style.left = (picture.left - box.left) + "px";
    overlay.style.top = (picture.top - box.top) + "px";
    overlay.style.width = picture.width + "px";
    overlay.style.height = picture.height + "px";
    const label = document.createElement("span");
    label.className = "blur-pick-label";
    label.textContent = "Click the teacher's face";
    marker = document.createElement("span");
    marker.className = "blur-marker";
    mx = 0.5; my = 0.5;
    placeMarker();
    overlay.append(label, marker);
    overlay.addEventListener("click", function (e) {
      const r = overlay.getBoundingClientRect();
      mx = (e.clientX - r.left) / r.width;
      my = (e.clientY - r.top) / r.height;
      placeMarker();
      choose(mx, my);
    });
    overlay.addEventListener("keydown", function (e) {
      const step = e.shiftKey ? 0.1 : 0.02;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[e.key]) {
        e.preventDefault();
        mx = Math.min(1, Math.max(0, mx + moves[e.key][0]));
        my = Math.min(1, Math.max(0, my + moves[e.key][1]));
        placeMarker();
      } else if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        choose(mx, my);
      } else if (e.key === "Escape") {
        e.preventDefault();
        stopPicking();
      }
    });
    video.offsetParent.append(overlay);
    keepButton.setAttribute("aria-pressed", "true");
    overlay.focus();
  }

  if (requestButton) {
    requestButton.addEventListener("click", function () { send({}); });
    keepButton.addEventListener("click", startPicking);
  }
  if (originalToggle) {
    originalToggle.addEventListener("change", function () {
      load(originalToggle.checked ? panel.dataset.originalUrl : fresh(root.dataset.videoUrl));
    });
  }
  stateText.tabIndex = -1;
  if (withheld) withhold();
  if (running()) poll();
})();
