// Picking the face to keep: an overlay over the picture itself (not the letterbox bars
// around it) takes one click, or arrow keys and Enter, and sends where as fractions.
import { overlayOver } from "./picture.js";

function byId(id) { return document.getElementById(id); }

// send(fields) asks for the blur and resolves to whether it was saved (blur/panel.js).
export function initFacePicker(video, send) {
  const keepButton = byId("blur-keep");
  const stateText = byId("blur-state");
  const error = byId("blur-error");
  let overlay = null, marker = null, mx = 0.5, my = 0.5;

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

  function onKey(e) {
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
  }

  function startPicking() {
    if (overlay) { stopPicking(); return; }
    if (!video.videoWidth) { error.textContent = "Wait for the video to load, then try again."; return; }
    error.textContent = "";
    video.pause();
    overlay = overlayOver(video, "blur-pick");
    overlay.setAttribute("role", "button");
    overlay.setAttribute("aria-label",
      "Choose the teacher's face: click it, or move the marker with the arrow keys and press Enter. Escape cancels.");
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
    overlay.addEventListener("keydown", onKey);
    keepButton.setAttribute("aria-pressed", "true");
    overlay.focus();
  }

  keepButton.addEventListener("click", startPicking);
}
