// Areas to blur as well, drawn by the uploader on the paused picture: a rectangle dragged
// with a mouse, a finger or a pen (pointer events), with from/to times (the playhead to 3 s
// later unless changed), added to a list where each can be removed again.
import { button, el } from "../lib/dom.js";
import { postForm } from "../lib/http.js";
import { clock } from "../lib/clock.js";
import { fitOverlay, overlayOver } from "./picture.js";

const LENGTH = 3;  // seconds an area lasts unless its "to" time is changed
const MIN_SIZE = 0.02;  // as service.clips.blur_review.MIN_SIZE

function byId(id) { return document.getElementById(id); }

function clamp(v) { return Math.min(1, Math.max(0, v)); }

function pct(v) { return Math.round(v * 100) + "%"; }

function whereText(a) {
  return pct(a.x0) + "\u2013" + pct(a.x1) + " across, " + pct(a.y0) + "\u2013" + pct(a.y1) + " down";
}

export function initRegions(video, duration) {
  const drawButton = byId("blur-draw");
  const form = byId("blur-region-form");
  const fromField = byId("blur-region-from"), toField = byId("blur-region-to");
  const where = byId("blur-region-where");
  const error = byId("blur-region-error"), message = byId("blur-region-message");
  const list = byId("blur-regions"), none = byId("blur-no-regions");
  const fields = ["x0", "y0", "x1", "y1"].map(function (k) { return byId("blur-region-" + k); });
  let overlay = null, rect = null, anchor = null, area = null;

  function at(e) {
    const r = overlay.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) };
  }

  function place() {
    rect.hidden = false;
    rect.style.left = area.x0 * 100 + "%";
    rect.style.top = area.y0 * 100 + "%";
    rect.style.width = (area.x1 - area.x0) * 100 + "%";
    rect.style.height = (area.y1 - area.y0) * 100 + "%";
  }

  function stopDrawing() {
    if (overlay) overlay.remove();
    overlay = null; anchor = null; area = null;
    drawButton.setAttribute("aria-pressed", "false");
  }

  function close() {
    stopDrawing();
    form.hidden = true;
    where.textContent = "";
  }

  function drawn() {
    if (area.x1 - area.x0 < MIN_SIZE || area.y1 - area.y0 < MIN_SIZE) {
      error.textContent = "That area is too small: drag a larger rectangle over the face.";
      rect.hidden = true;
      area = null;
      return;
    }
    error.textContent = "";
    [area.x0, area.y0, area.x1, area.y1].forEach(function (v, i) { fields[i].value = v.toFixed(4); });
    where.textContent = "Area: " + whereText(area) + ". Drag again to change it.";
    if (form.hidden) {
      const t = video.currentTime;
      fromField.value = clock(t);
      toField.value = clock(duration > 0 ? Math.min(t + LENGTH, duration) : t + LENGTH);
      form.hidden = false;
    }
    fromField.focus();
  }

  function startDrawing() {
    if (overlay) { close(); drawButton.focus(); return; }
    if (!video.videoWidth) { error.textContent = "Wait for the video to load, then try again."; return; }
    error.textContent = "";
    message.textContent = "";
    video.pause();
    overlay = overlayOver(video, "blur-draw-area");
    overlay.setAttribute("role", "application");
    overlay.setAttribute("aria-label", "Drag a rectangle over the area to blur. Escape cancels.");
    rect = el("span", "blur-rect");
    rect.hidden = true;
    overlay.append(el("span", "blur-pick-label", "Drag over the face to blur"), rect);
    overlay.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      e.preventDefault();
      overlay.setPointerCapture(e.pointerId);
      anchor = at(e);
      area = { x0: anchor.x, y0: anchor.y, x1: anchor.x, y1: anchor.y };
      place();
    });
    overlay.addEventListener("pointermove", function (e) {
      if (!anchor) return;
      const p = at(e);
      area = {
        x0: Math.min(anchor.x, p.x), y0: Math.min(anchor.y, p.y),
        x1: Math.max(anchor.x, p.x), y1: Math.max(anchor.y, p.y),
      };
      place();
    });
    overlay.addEventListener("pointerup", function () {
      if (!anchor) return;
      anchor = null;
      drawn();
    });
    overlay.addEventListener("pointercancel", function () { anchor = null; });
    overlay.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); close(); drawButton.focus(); }
    });
    drawButton.setAttribute("aria-pressed", "true");
    overlay.focus();
  }

  function remove(region) {
    error.textContent = "";
    postForm(region.remove_url, {})
      .then(function (res) {
        if (!res.ok) { error.textContent = res.data.error || "The area was not removed."; return; }
        show(res.data.regions);
        message.textContent = res.data.message;
        drawButton.focus();
      })
      .catch(function () { error.textContent = "The area was not removed: check your connection and try again."; });
  }

  function show(regions) {
    list.textContent = "";
    regions.forEach(function (r) {
      const item = el("li", null);
      item.dataset.id = r.id;
      const go = button("link-like blur-region-time", r.from + "\u2013" + r.to, function () {
        video.pause();
        video.currentTime = r.start;
      });
      go.setAttribute("aria-label", "Go to " + r.from + ", where this area starts");
      const gone = button("small", "Remove", function () { remove(r); });
      gone.setAttribute("aria-label", "Remove the area from " + r.from + " to " + r.to);
      item.append(go, el("span", "hint", whereText(r)), gone);
      list.append(item);
    });
    none.hidden = regions.length > 0;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!fields[0].value) {
      error.textContent = "Please drag a rectangle over the area to blur first.";
      return;
    }
    error.textContent = "";
    postForm(form.action, new FormData(form))
      .then(function (res) {
        if (!res.ok) { error.textContent = res.data.error || "The area was not added."; return; }
        show(res.data.regions);
        message.textContent = res.data.message;
        fields.forEach(function (f) { f.value = ""; });
        close();
        drawButton.focus();
      })
      .catch(function () { error.textContent = "The area was not added: check your connection and try again."; });
  });
  byId("blur-region-cancel").addEventListener("click", function () { close(); drawButton.focus(); });
  drawButton.addEventListener("click", startDrawing);
  window.addEventListener("resize", function () { if (overlay) fitOverlay(video, overlay); });
  show(JSON.parse(byId("blur-regions-data").textContent));
  return { close: close };
}
