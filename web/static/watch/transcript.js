// The transcript panel and captions: segments in time order, the one being spoken
// highlighted and kept in view; a click on a line or a word seeks there, and (for those who
// may comment) a line's "Comment" button starts a comment quoting it.
import { el } from "../lib/dom.js";
import { getJSON } from "../lib/http.js";
import { stamp } from "../lib/time.js";
import { root, seek, video } from "./player.js";

const list = document.getElementById("transcript-list");
const message = document.getElementById("transcript-message");
const progress = document.getElementById("transcript-progress");
const captionsButton = document.getElementById("captions-toggle");
let segments = [];
let current = -1;
let loaded = false;
let onQuote = null;  // set by initTranscript where the comment form is on the page

export function showTranscriptStatus(t) {
  if (!t || !t.status) return;
  if (t.status === "ready") {
    progress.hidden = true;
    if (!loaded) loadTranscript(t.captions_url);
  } else if (t.status === "failed") {
    progress.hidden = true;
    message.textContent = t.failure_reason || "The transcript could not be made.";
    message.hidden = false;
  } else {
    const pct = Math.floor((t.progress || 0) * 100);
    progress.hidden = false;
    document.getElementById("transcript-bar").style.width = pct + "%";
    document.getElementById("transcript-text").textContent =
      (t.stage === "queued" ? "Waiting to transcribe" : t.stage_label) + "… " + pct + "%";
  }
}

function addCaptions(url) {
  if (!url || video.querySelector("track")) return;
  const track = document.createElement("track");
  track.kind = "captions";
  track.srclang = "en";
  track.label = "English";
  track.src = url;
  video.append(track);
  video.textTracks[0].mode = "hidden";
  captionsButton.hidden = video.tagName !== "VIDEO";  // an <audio> shows no captions
}

function toggleCaptions() {
  const track = video.textTracks[0];
  if (!track) return;
  const on = track.mode !== "showing";
  track.mode = on ? "showing" : "hidden";
  captionsButton.textContent = "Captions: " + (on ? "on" : "off");
  captionsButton.setAttribute("aria-pressed", String(on));
}

function loadTranscript(captionsUrl) {
  loaded = true;
  getJSON(root.dataset.transcriptUrl)
    .then(function (data) {
      segments = data.segments;
      renderTranscript();
      addCaptions(captionsUrl);
      document.getElementById("downloads").hidden = segments.length === 0;
      // The talk panel (talk.js) measures from the transcript: it refreshes on this.
      document.dispatchEvent(new CustomEvent("transcript-ready"));
    })
    .catch(function () { loaded = false; });
}

function renderSegment(seg) {
  const item = el("li", "segment");
  item.dataset.start = seg.start;
  const at = el("button", "at", stamp(seg.start));
  at.type = "button";
  at.title = "Play from " + stamp(seg.start);
  at.addEventListener("click", function () { seek(seg.start); });
  const line = el("span", "line");
  if (seg.words && seg.words.length) {
    seg.words.forEach(function (w, j) {
      const word = el("span", "word", (j > 0 && !/^\s/.test(w[2]) ? " " : "") + w[2]);
      word.dataset.start = w[0];
      word.addEventListener("click", function () { seek(Number(w[0])); });
      line.append(word);
    });
  } else {
    line.textContent = seg.text;
    line.addEventListener("click", function () { seek(seg.start); });
  }
  item.append(at, line);
  if (onQuote) {
    const quote = el("button", "quote", "Comment");
    quote.type = "button";
    quote.title = "Comment on this line at " + stamp(seg.start);
    quote.addEventListener("click", function () { onQuote(seg); });
    item.append(quote);
  }
  return item;
}

function renderTranscript() {
  list.replaceChildren();
  if (!segments.length) {
    message.textContent = "No speech was found in this clip.";
    message.hidden = false;
    return;
  }
  message.hidden = true;
  segments.forEach(function (seg, i) {
    const item = renderSegment(seg);
    list.append(item);
    seg.element = item;
    seg.index = i;
  });
}

function followTranscript() {
  if (!segments.length) return;
  const t = video.currentTime;
  let found = -1;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i].start <= t + 0.05) found = i; else break;
  }
  if (found >= 0 && t > segments[found].end + 1.5) found = -1;  // in a pause between lines
  if (found === current) return;
  if (current >= 0) segments[current].element.classList.remove("current");
  current = found;
  if (current < 0) return;
  const line = segments[current].element;
  line.classList.add("current");
  // Keep the line in view inside the panel without scrolling the whole page.
  if (line.offsetTop < list.scrollTop || line.offsetTop + line.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTop = line.offsetTop - list.clientHeight / 3;
  }
}

// quote(seg) starts a comment on a line; null where the viewer may not comment.
export function initTranscript(quote) {
  onQuote = quote;
  captionsButton.addEventListener("click", toggleCaptions);
  video.addEventListener("timeupdate", followTranscript);
  video.addEventListener("seeked", followTranscript);
  if (root.dataset.status === "ready" && root.dataset.transcriptStatus === "ready") {
    loadTranscript(root.dataset.captionsUrl);
  }
}
