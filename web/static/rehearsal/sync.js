// The rehearsal and the model side by side, playing, pausing and seeking together with an
// adjustable offset (model time = rehearsal time + offset, remembered per rehearsal).
import { onMetadata } from "../lib/dom.js";
import { stamp } from "../lib/time.js";

const SEEK_TOLERANCE = 0.05; // seconds: closer than this counts as the same moment
const DRIFT_TOLERANCE = 0.25; // seconds of drift allowed while both play

export function initSync(root, rehearsal, model) {
  const storeKey = "coachreel.rehearsal-offset." + root.dataset.clipId;
  const offsetInput = document.getElementById("offset");
  const playBoth = document.getElementById("play-both");
  const scrub = document.getElementById("scrub");
  const clock = document.getElementById("clock");
  const linkToggle = document.getElementById("link-toggle");
  let linked = true;
  let offset = Number(localStorage.getItem(storeKey));
  if (!Number.isFinite(offset)) offset = 0;

  function clamp(time, video) {
    const end = Number.isFinite(video.duration) ? video.duration : Infinity;
    return Math.min(Math.max(0, time), end);
  }

  // Where the model should be for the rehearsal's current moment.
  function modelWanted() { return clamp(rehearsal.currentTime + offset, model); }

  function inRange() {
    const t = rehearsal.currentTime + offset;
    return t >= 0 && (!Number.isFinite(model.duration) || t < model.duration);
  }

  function moveTo(video, time, tolerance) {
    const want = clamp(time, video);
    if (Math.abs(video.currentTime - want) > tolerance) video.currentTime = want;
  }

  // Play and pause we cause ourselves must not be echoed back to the other video.
  const expected = new Map([[rehearsal, new Set()], [model, new Set()]]);
  function command(video, what) {
    if (what === "play" ? !video.paused : video.paused) return;
    expected.get(video).add(what);
    if (what === "pause") { video.pause(); return; }
    const started = video.play();
    if (started) started.catch(function () { if (video.paused) expected.get(video).delete("play"); });
  }
  function echoed(video, what) {
    const pending = expected.get(video);
    if (!pending.has(what)) return false;
    pending.delete(what);
    return true;
  }

  // While the rehearsal plays, the model plays only when its moment exists (a negative offset
  // holds the model at its start; a longer rehearsal plays on after the model ends).
  function reconcile() {
    if (!linked) return;
    if (rehearsal.paused) { command(model, "pause"); return; }
    if (inRange()) {
      moveTo(model, rehearsal.currentTime + offset, DRIFT_TOLERANCE);
      command(model, "play");
    } else {
      command(model, "pause");
      moveTo(model, rehearsal.currentTime + offset, SEEK_TOLERANCE);
    }
  }

  rehearsal.addEventListener("seeking", function () {
    if (linked) moveTo(model, rehearsal.currentTime + offset, SEEK_TOLERANCE);
    showTime();
  });
  model.addEventListener("seeking", function () {
    // Our own move (or a clamped one) already matches the rehearsal: nothing to follow.
    if (!linked || Math.abs(model.currentTime - modelWanted()) <= SEEK_TOLERANCE) return;
    moveTo(rehearsal, model.currentTime - offset, SEEK_TOLERANCE);
  });
  rehearsal.addEventListener("play", function () {
    if (!echoed(rehearsal, "play")) reconcile();
    showState();
  });
  model.addEventListener("play", function () {
    if (!echoed(model, "play") && linked) command(rehearsal, "play");
    showState();
  });
  rehearsal.addEventListener("pause", function () {
    if (!echoed(rehearsal, "pause") && linked) command(model, "pause");
    showState();
  });
  model.addEventListener("pause", function () {
    // The model ending on its own leaves a longer rehearsal playing.
    if (!echoed(model, "pause") && linked && !model.ended) command(rehearsal, "pause");
    showState();
  });
  rehearsal.addEventListener("timeupdate", function () {
    if (!rehearsal.paused && !rehearsal.seeking) reconcile();
    showTime();
  });
  model.addEventListener("timeupdate", showTime);
  // A module runs once the page is parsed, perhaps after the videos' metadata has loaded.
  onMetadata(rehearsal, function () {
    scrub.max = rehearsal.duration.toFixed(1);
    if (linked) moveTo(model, rehearsal.currentTime + offset, SEEK_TOLERANCE);
  });
  onMetadata(model, function () {
    if (linked) moveTo(model, rehearsal.currentTime + offset, SEEK_TOLERANCE);
  });

  // --- shared controls ----------------------------------------------------------------------
  function showState() { playBoth.textContent = rehearsal.paused ? "Play both" : "Pause both"; }
  function showTime() {
    scrub.value = rehearsal.currentTime.toFixed(1);
    clock.textContent = stamp(rehearsal.currentTime) + " · model " + stamp(model.currentTime);
  }

  playBoth.addEventListener("click", function () {
    if (rehearsal.paused) {
      if (!linked) setLinked(true);
      rehearsal.play();
    } else {
      rehearsal.pause();
    }
  });
  scrub.addEventListener("input", function () { rehearsal.currentTime = Number(scrub.value); });

  function setOffset(value) {
    offset = Math.round(value * 10) / 10;
    offsetInput.value = offset.toFixed(1);
    localStorage.setItem(storeKey, String(offset));
    if (linked) {
      moveTo(model, rehearsal.currentTime + offset, SEEK_TOLERANCE);
      reconcile();
    }
    showTime();
  }
  offsetInput.addEventListener("change", function () {
    const value = Number(offsetInput.value);
    setOffset(Number.isFinite(value) ? value : 0);
  });
  document.getElementById("offset-minus").addEventListener("click", function () { setOffset(offset - 0.5); });
  document.getElementById("offset-plus").addEventListener("click", function () { setOffset(offset + 0.5); });

  // Unlink to move each video to matching moments; linking again takes the gap as the offset.
  function setLinked(on) {
    linked = on;
    linkToggle.setAttribute("aria-pressed", on ? "true" : "false");
    linkToggle.textContent = on ? "Unlink to line up" : "Link at these moments";
    root.classList.toggle("unlinked", !on);
  }
  linkToggle.addEventListener("click", function () {
    if (linked) {
      command(model, "pause");
      command(rehearsal, "pause");
      setLinked(false);
    } else {
      setLinked(true);
      setOffset(model.currentTime - rehearsal.currentTime);
    }
  });

  root.querySelectorAll("input[name=sound]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      rehearsal.muted = radio.value !== "rehearsal";
      model.muted = radio.value !== "model";
    });
  });

  offsetInput.value = offset.toFixed(1);
  moveTo(model, rehearsal.currentTime + offset, SEEK_TOLERANCE);
  showState();
  showTime();
}
