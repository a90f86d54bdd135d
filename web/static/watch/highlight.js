// "Save a highlight": in and out from the player's playhead, from a comment's range (its
// "Save as highlight" button sends a "highlight-range" event) or from the transcript lines
// selected on the page; the form posts, then the page goes to the new clip, being cut.
import { clock, parseClock } from "../lib/clock.js";
import { postForm } from "../lib/http.js";
import { playSpan } from "../lib/moment.js";
import { video } from "./player.js";

const panel = document.getElementById("highlight");
const OFFLINE = "That was not saved: check your connection and try again.";

function field(id) { return document.getElementById(id); }

function setRange(start, end, title) {
  field("highlight-start").value = clock(start);
  field("highlight-end").value = clock(end);
  if (title && !field("highlight-title").value.trim()) field("highlight-title").value = title;
  panel.open = true;
  showPreview();
}

function showPreview() {
  const s = parseClock(field("highlight-start").value), e = parseClock(field("highlight-end").value);
  field("highlight-preview").hidden = !(e > s);
}

// The transcript lines the person selected: from the first line's start to the last's end.
function selectedLines() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed) return null;
  const lines = Array.prototype.filter.call(
    document.querySelectorAll("#transcript-list li.segment"),
    function (li) { return selection.containsNode(li, true); }
  );
  if (!lines.length) return null;
  const first = lines[0], last = lines[lines.length - 1];
  const next = last.nextElementSibling;
  const end = next ? Number(next.dataset.start) : video.duration;
  return {
    start: Number(first.dataset.start),
    end: end > Number(last.dataset.start) ? end : Number(last.dataset.start) + 1,
    title: selection.toString().trim().replace(/\s+/g, " ").replace(/^\d\d:\d\d\s*/, "").slice(0, 80),
  };
}

export function initHighlight() {
  if (!panel) return;
  const form = field("highlight-form"), error = field("highlight-error");
  field("highlight-start-playhead").addEventListener("click", function () {
    field("highlight-start").value = clock(video.currentTime);
    showPreview();
  });
  field("highlight-end-playhead").addEventListener("click", function () {
    field("highlight-end").value = clock(video.currentTime);
    showPreview();
  });
  ["highlight-start", "highlight-end"].forEach(function (id) { field(id).addEventListener("input", showPreview); });
  field("highlight-preview").addEventListener("click", function () {
    playSpan(video, parseClock(field("highlight-start").value), parseClock(field("highlight-end").value));
  });
  const fromTranscript = field("highlight-from-transcript");
  document.addEventListener("selectionchange", function () { fromTranscript.hidden = !selectedLines(); });
  fromTranscript.addEventListener("click", function () {
    const lines = selectedLines();
    if (lines) setRange(lines.start, lines.end, lines.title);
  });
  document.addEventListener("highlight-range", function (e) {
    setRange(e.detail.start, e.detail.end, e.detail.title);
    field("highlight-title").focus();
    panel.scrollIntoView({ block: "nearest" });
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    error.textContent = "";
    const submit = field("highlight-submit");
    submit.disabled = true;
    postForm(form.action, new FormData(form))
      .then(function (res) {
        if (!res.ok) { error.textContent = res.data.error || "That was not saved."; submit.disabled = false; return; }
        window.location.assign(res.data.url);
      })
      .catch(function () { error.textContent = OFFLINE; submit.disabled = false; });
  });
}
