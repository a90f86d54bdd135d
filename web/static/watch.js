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

  // Processing: poll the status route until the clip reaches a terminal state.
  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "ready") {
          root.dataset.status = "ready";
          document.getElementById("processing").hidden = true;
          video.poster = s.poster_url;
          video.src = s.video_url;
          document.getElementById("player").hidden = false;
          return;
        }
        if (s.status === "failed") {
          document.getElementById("processing").hidden = true;
          document.getElementById("failure-reason").textContent = s.failure_reason;
          document.getElementById("failed").hidden = false;
          return;
        }
        const pct = Math.floor((s.progress || 0) * 100);
        document.getElementById("processing-bar").style.width = pct + "%";
        document.getElementById("processing-text").textContent = s.stage_label + "… " + pct + "%";
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (root.dataset.status !== "ready" && root.dataset.status !== "failed") poll();

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
