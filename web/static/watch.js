// The watch page: follow processing until the clip is ready, then play it with feedback
// markers on the timeline, comment at the playhead, and seek from a comment or marker.
(function () {
  "use strict";
  const root = document.getElementById("clip");
  if (!root) return;
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const video = document.getElementById("video");
  const timeline = document.getElementById("timeline");
  const list = document.getElementById("comment-list");
  const noComments = document.getElementById("no-comments");
  const form = document.getElementById("comment-form");
  let comments = JSON.parse(document.getElementById("comments-data").textContent);
  let commentOnLine = function () {};

  function stamp(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    const mm = String(m).padStart(2, "0"), ss = String(sec).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function seek(seconds) {
    video.currentTime = seconds;
    video.focus();
  }

  function render() {
    comments.sort(function (a, b) { return a.at_seconds - b.at_seconds || a.id - b.id; });
    list.replaceChildren();
    timeline.replaceChildren();
    noComments.hidden = comments.length > 0;
    const duration = video.duration || Number(root.dataset.duration) || 0;
    comments.forEach(function (c) {
      const item = document.createElement("li");
      item.className = "comment";
      item.dataset.at = c.at_seconds;
      const at = document.createElement("button");
      at.type = "button";
      at.className = "at";
      at.textContent = stamp(c.at_seconds);
      at.title = "Play from " + stamp(c.at_seconds);
      at.addEventListener("click", function () { seek(c.at_seconds); });
      const body = document.createElement("p");
      body.textContent = c.body;
      const who = document.createElement("span");
      who.className = "author";
      who.textContent = c.author;
      item.append(at, who, body);
      list.append(item);
      if (duration > 0) {
        const marker = document.createElement("button");
        marker.type = "button";
        marker.className = "marker";
        marker.style.left = Math.min(100, (c.at_seconds / duration) * 100) + "%";
        marker.title = stamp(c.at_seconds) + " " + c.body.slice(0, 80);
        marker.setAttribute("aria-label", "Feedback at " + stamp(c.at_seconds));
        marker.addEventListener("click", function () { seek(c.at_seconds); });
        timeline.append(marker);
      }
    });
  }

  // Processing, then transcription: poll the status route until both reach a terminal state.
  const TERMINAL = ["ready", "failed"];
  function showPlayer(s) {
    if (root.dataset.status === "ready" && !document.getElementById("player").hidden) return;
    root.dataset.status = "ready";
    document.getElementById("processing").hidden = true;
    video.poster = s.poster_url;
    video.src = s.video_url;
    document.getElementById("player").hidden = false;
  }
  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "failed") {
          document.getElementById("processing").hidden = true;
          document.getElementById("failure-reason").textContent = s.failure_reason;
          document.getElementById("failed").hidden = false;
          return;
        }
        if (s.status === "ready") {
          showPlayer(s);
          showTranscriptStatus(s.transcript);
          if (TERMINAL.indexOf(s.transcript.status) >= 0) return;
        } else {
          const pct = Math.floor((s.progress || 0) * 100);
          document.getElementById("processing-bar").style.width = pct + "%";
          document.getElementById("processing-text").textContent = s.stage_label + "… " + pct + "%";
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  const transcriptDone = TERMINAL.indexOf(root.dataset.transcriptStatus) >= 0;
  if (root.dataset.status !== "failed" && !(root.dataset.status === "ready" && transcriptDone)) poll();

  // The transcript panel: segments in time order, the one being spoken highlighted and kept
  // in view; a click on a line or a word seeks there.
  const transcriptList = document.getElementById("transcript-list");
  const transcriptMessage = document.getElementById("transcript-message");
  const transcriptProgress = document.getElementById("transcript-progress");
  const captionsButton = document.getElementById("captions-toggle");
  let segments = [];
  let current = -1;
  let transcriptLoaded = false;

  function showTranscriptStatus(t) {
    if (!t || !t.status) return;
    if (t.status === "ready") {
      transcriptProgress.hidden = true;
      if (!transcriptLoaded) loadTranscript(t.captions_url);
    } else if (t.status === "failed") {
      transcriptProgress.hidden = true;
      transcriptMessage.textContent = t.failure_reason || "The transcript could not be made.";
      transcriptMessage.hidden = false;
    } else {
      const pct = Math.floor((t.progress || 0) * 100);
      transcriptProgress.hidden = false;
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
    captionsButton.hidden = false;
  }
  captionsButton.addEventListener("click", function () {
    const track = video.textTracks[0];
    if (!track) return;
    const on = track.mode !== "showing";
    track.mode = on ? "showing" : "hidden";
    captionsButton.textContent = "Captions: " + (on ? "on" : "off");
    captionsButton.setAttribute("aria-pressed", String(on));
  });

  function loadTranscript(captionsUrl) {
    transcriptLoaded = true;
    fetch(root.dataset.transcriptUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        segments = data.segments;
        renderTranscript();
        addCaptions(captionsUrl);
        document.getElementById("downloads").hidden = segments.length === 0;
      })
      .catch(function () { transcriptLoaded = false; });
  }

  function renderTranscript() {
    transcriptList.replaceChildren();
    if (!segments.length) {
      transcriptMessage.textContent = "No speech was found in this clip.";
      transcriptMessage.hidden = false;
      return;
    }
    transcriptMessage.hidden = true;
    segments.forEach(function (seg, i) {
      const item = document.createElement("li");
      item.className = "segment";
      item.dataset.start = seg.start;
      const at = document.createElement("button");
      at.type = "button";
      at.className = "at";
      at.textContent = stamp(seg.start);
      at.title = "Play from " + stamp(seg.start);
      at.addEventListener("click", function () { seek(seg.start); });
      const line = document.createElement("span");
      line.className = "line";
      if (seg.words && seg.words.length) {
        seg.words.forEach(function (w, j) {
          const word = document.createElement("span");
          word.className = "word";
          word.dataset.start = w[0];
          word.textContent = (j > 0 && !/^\s/.test(w[2]) ? " " : "") + w[2];
          word.addEventListener("click", function () { seek(Number(w[0])); });
          line.append(word);
        });
      } else {
        line.textContent = seg.text;
        line.addEventListener("click", function () { seek(seg.start); });
      }
      item.append(at, line);
      if (form) {
        const quote = document.createElement("button");
        quote.type = "button";
        quote.className = "quote";
        quote.textContent = "Comment";
        quote.title = "Comment on this line at " + stamp(seg.start);
        quote.addEventListener("click", function () { commentOnLine(seg); });
        item.append(quote);
      }
      transcriptList.append(item);
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
    const el = segments[current].element;
    el.classList.add("current");
    // Keep the line in view inside the panel without scrolling the whole page.
    const box = transcriptList;
    if (el.offsetTop < box.scrollTop || el.offsetTop + el.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = el.offsetTop - box.clientHeight / 3;
    }
  }
  video.addEventListener("timeupdate", followTranscript);
  video.addEventListener("seeked", followTranscript);
  if (root.dataset.status === "ready" && root.dataset.transcriptStatus === "ready") {
    loadTranscript(root.dataset.captionsUrl);
  }

  video.addEventListener("loadedmetadata", render);

  // Open a clip at a moment: /clips/12?t=73.5
  const start = Number(new URLSearchParams(window.location.search).get("t"));
  if (start > 0) {
    video.addEventListener("loadedmetadata", function () { video.currentTime = start; }, { once: true });
  }

  if (form) {
    const atInput = document.getElementById("comment-at");
    const timeLabel = document.getElementById("comment-time");
    const body = document.getElementById("comment-body");
    const error = document.getElementById("comment-error");
    let pinned = false;  // once the teacher starts a comment, keep its moment

    video.addEventListener("timeupdate", function () {
      if (!pinned) timeLabel.textContent = stamp(video.currentTime);
    });

    function commentAtPlayhead() {
      video.pause();
      pinned = true;
      atInput.value = video.currentTime.toFixed(2);
      timeLabel.textContent = stamp(video.currentTime);
      body.focus();
    }
    document.getElementById("comment-at-playhead").addEventListener("click", commentAtPlayhead);
    commentOnLine = function (seg) {
      video.pause();
      seek(seg.start);
      pinned = true;
      atInput.value = Number(seg.start).toFixed(2);
      timeLabel.textContent = stamp(seg.start);
      body.value = "\u201c" + seg.text + "\u201d \u2014 ";
      body.focus();
      body.setSelectionRange(body.value.length, body.value.length);
    };
    document.addEventListener("keydown", function (e) {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (!typing && (e.key === "c" || e.key === "C") && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        commentAtPlayhead();
      }
    });
    body.addEventListener("focus", function () {
      if (!pinned) { atInput.value = video.currentTime.toFixed(2); pinned = true; }
    });
    body.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
    });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      error.textContent = "";
      if (!body.value.trim()) { error.textContent = "Please write a comment first."; return; }
      if (!pinned) atInput.value = video.currentTime.toFixed(2);
      fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        body: new FormData(form),
      })
        .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
        .then(function (res) {
          if (!res.ok) { error.textContent = res.data.error || "The comment was not saved."; return; }
          comments.push(res.data.comment);
          render();
          body.value = "";
          pinned = false;
          timeLabel.textContent = stamp(video.currentTime);
        })
        .catch(function () { error.textContent = "The comment was not saved: check your connection and try again."; });
    });
  }
  render();
})();
