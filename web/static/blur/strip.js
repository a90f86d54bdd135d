// Under the video, for the uploader checking a blur: the faces blurred in each second as bars
// along the clip's timeline (a bar seeks there), the seconds where no face was found hatched
// and named in words (each a button that seeks there), and where the playhead is.
import { button, el } from "../lib/dom.js";
import { clock } from "../lib/clock.js";

function byId(id) { return document.getElementById(id); }

// Runs of seconds with no face found, as [first, last] pairs.
function gaps(counts) {
  const found = [];
  counts.forEach(function (n, i) {
    if (n) return;
    const last = found[found.length - 1];
    if (last && last[1] === i - 1) last[1] = i; else found.push([i, i]);
  });
  return found;
}

function faces(n) { return n === 1 ? "1 face blurred" : n + " faces blurred"; }

// Returns { draw(counts), hide() }, or null where the page has no strip (not the uploader).
export function initStrip(video, duration) {
  const box = byId("blur-strip-box");
  if (!box) return null;
  const strip = byId("blur-strip");
  const summary = byId("blur-strip-summary");
  const head = el("span", "blur-strip-head");
  head.setAttribute("aria-hidden", "true");
  let length = 0;

  function seek(t) {
    video.pause();
    video.currentTime = t;
  }

  function placeHead() {
    if (length) head.style.left = Math.min(100, (video.currentTime / length) * 100) + "%";
  }

  function drawSummary(counts) {
    summary.textContent = "";
    const seen = counts.filter(function (n) { return n > 0; }).length;
    summary.append("Faces were blurred in " + seen + " of " + counts.length + " seconds. ");
    const missing = gaps(counts);
    if (!missing.length) {
      summary.append("A face was found in every second.");
      return;
    }
    summary.append(el("strong", null, "No face found at:"), " ");
    missing.forEach(function (gap, i) {
      const text = gap[0] === gap[1] ? clock(gap[0]) : clock(gap[0]) + "\u2013" + clock(gap[1] + 1);
      const go = button("small blur-gap", text, function () { seek(gap[0]); });
      go.setAttribute("aria-label", "Go to " + text + ", where no face was found");
      summary.append(go, i < missing.length - 1 ? " " : "");
    });
    summary.append(" Check there for faces the blur missed.");
  }

  function draw(counts) {
    strip.textContent = "";
    if (!counts || !counts.length) { hide(); return; }
    length = duration > 0 ? duration : counts.length;
    const most = Math.max(1, Math.max.apply(null, counts));
    counts.forEach(function (n, i) {
      const bar = button("blur-bar" + (n ? "" : " none"), null, function () { seek(i); });
      bar.tabIndex = -1;  // the seconds with no face are reachable by keyboard in the summary
      const label = clock(i) + ": " + (n ? faces(n) : "no face found");
      bar.title = label;
      bar.setAttribute("aria-label", label);
      bar.style.left = Math.min(100, (i / length) * 100) + "%";
      bar.style.width = Math.max(0, (Math.min(i + 1, length) - i) / length * 100) + "%";
      const fill = el("span", "blur-bar-fill");
      fill.style.height = n ? 30 + 70 * (n / most) + "%" : "100%";
      bar.append(fill);
      strip.append(bar);
    });
    strip.append(head);
    placeHead();
    drawSummary(counts);
    box.hidden = false;
  }

  function hide() { box.hidden = true; }

  video.addEventListener("timeupdate", placeHead);
  video.addEventListener("seeked", placeHead);
  return { draw: draw, hide: hide };
}
