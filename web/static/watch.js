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
  // Only the ECT's mentor gets a link that turns a "next step" comment into an action step.
  const newStepUrl = root.dataset.newStepUrl || "";

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

  const canComment = root.dataset.canComment === "true";
  const canMarkSeen = root.dataset.canMarkSeen === "true";
  // What someone has typed into a reply or an edit survives re-rendering until it is saved.
  const drafts = { reply: {}, edit: {} };
  let focusAfterRender = null;

  function span(c) {
    return c.end_seconds != null ? stamp(c.at_seconds) + "\u2013" + stamp(c.end_seconds) : stamp(c.at_seconds);
  }

  function spoken(c) {
    return c.end_seconds != null
      ? " from " + stamp(c.at_seconds) + " to " + stamp(c.end_seconds)
      : " at " + stamp(c.at_seconds);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function button(className, text, onClick) {
    const b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // The kind's icon is drawn by the stylesheet (.kind-praise .kind-icon), so the colour and
  // the shape that tells kinds apart without colour live in one place.
  function kindIcon() {
    const icon = el("span", "kind-icon");
    icon.setAttribute("aria-hidden", "true");
    return icon;
  }

  function kindChoices() {
    return Array.prototype.map.call(document.querySelectorAll("#comment-kinds input"), function (input) {
      return { value: input.value, label: input.parentNode.textContent.trim() };
    });
  }

  function post(url, fields) {
    const body = fields instanceof FormData ? fields : new FormData();
    if (!(fields instanceof FormData)) {
      Object.keys(fields || {}).forEach(function (k) { body.append(k, fields[k]); });
    }
    return fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      body: body,
    }).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, data: d }; });
    });
  }

  // A write answers with the thread it changed, or null when the thread is no longer listed.
  function applyThread(data) {
    const i = comments.findIndex(function (c) { return c.id === data.thread_id; });
    if (data.thread) {
      if (i >= 0) comments[i] = data.thread; else comments.push(data.thread);
    } else if (i >= 0) {
      comments.splice(i, 1);
    }
    render();
  }

  const OFFLINE = "That was not saved: check your connection and try again.";

  function write(url, fields, error, done) {
    error.textContent = "";
    post(url, fields)
      .then(function (res) {
        if (!res.ok) { error.textContent = res.data.error || "That was not saved."; return; }
        if (done) done();
        applyThread(res.data);
      })
      .catch(function () { error.textContent = OFFLINE; });
  }

  function textBox(value, label, onInput) {
    const box = el("textarea");
    box.rows = 2;
    box.maxLength = 5000;
    box.value = value;
    box.setAttribute("aria-label", label);
    box.addEventListener("input", function () { onInput(box.value); });
    return box;
  }

  function inlineForm(className, box, submitLabel, onSubmit, onCancel) {
    const f = el("form", "inline-form " + className);
    const row = el("div", "comment-row");
    const save = el("button", "primary small", submitLabel);
    save.type = "submit";
    const error = el("span", "inline-error");
    error.setAttribute("role", "alert");
    row.append(save, button("small", "Cancel", onCancel), error);
    f.append(box, row);
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!box.value.trim()) { error.textContent = "Please write something first."; return; }
      onSubmit(error);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); f.requestSubmit(); }
      if (e.key === "Escape") { e.preventDefault(); onCancel(); }
    });
    return f;
  }

  function editForm(c, topLevel) {
    const draft = drafts.edit[c.id];
    const box = textBox(draft.body, "Edit the comment", function (v) { draft.body = v; });
    const f = inlineForm("edit-form", box, "Save", function (error) {
      const fields = { body: box.value };
      if (topLevel) fields.kind = draft.kind;
      write(c.urls.edit, fields, error, function () {
        delete drafts.edit[c.id];
        focusAfterRender = '[data-id="' + c.id + '"] .body';
      });
    }, function () {
      delete drafts.edit[c.id];
      focusAfterRender = '[data-id="' + c.id + '"] .edit';
      render();
    });
    const choices = kindChoices();
    if (topLevel && choices.length) {
      const select = el("select", "kind-select");
      select.setAttribute("aria-label", "Kind of feedback");
      choices.forEach(function (k) {
        const option = el("option", null, k.label);
        option.value = k.value;
        select.append(option);
      });
      select.value = draft.kind;
      select.addEventListener("change", function () { draft.kind = select.value; });
      f.insertBefore(select, box);
    }
    return f;
  }

  function replyForm(c) {
    const box = textBox(drafts.reply[c.id], "Reply to " + (c.author || "this thread"), function (v) {
      drafts.reply[c.id] = v;
    });
    return inlineForm("reply-form", box, "Reply", function (error) {
      write(c.urls.reply, { body: box.value }, error, function () {
        delete drafts.reply[c.id];
        focusAfterRender = '[data-id="' + c.id + '"] > .comment-actions .reply';
      });
    }, function () {
      delete drafts.reply[c.id];
      focusAfterRender = '[data-id="' + c.id + '"] > .comment-actions .reply';
      render();
    });
  }

  function ownActions(c, actions, error, topLevel) {
    if (!c.can_edit) return;
    actions.append(
      button("small edit", "Edit", function () {
        drafts.edit[c.id] = { body: c.body, kind: c.kind };
        focusAfterRender = '[data-id="' + c.id + '"] textarea';
        render();
      }),
      button("small delete", "Delete", function () {
        const what = topLevel && c.replies.length ? "Delete this comment? Its replies stay." : "Delete this comment?";
        if (!window.confirm(what)) return;
        write(c.urls.delete, {}, error);
      })
    );
  }

  function renderReply(r) {
    const item = el("li", "reply");
    item.dataset.id = r.id;
    const head = el("div", "comment-head");
    head.append(el("span", "author", r.author));
    if (r.edited) head.append(el("span", "edited", "edited"));
    item.append(head);
    if (drafts.edit[r.id]) item.append(editForm(r, false));
    else item.append(el("p", "body", r.body));
    const actions = el("div", "comment-actions");
    const error = el("span", "inline-error");
    error.setAttribute("role", "alert");
    if (!drafts.edit[r.id]) ownActions(r, actions, error, false);
    if (actions.childElementCount) { actions.append(error); item.append(actions); }
    return item;
  }

  function renderThread(c) {
    const item = el("li", "comment kind-" + c.kind + (c.deleted ? " deleted" : "") + (c.seen ? " seen" : ""));
    item.dataset.at = c.at_seconds;
    item.dataset.id = c.id;
    const head = el("div", "comment-head");
    const at = button("at", span(c), function () { seek(c.at_seconds); });
    at.title = "Play from " + stamp(c.at_seconds);
    head.append(at);
    if (!c.deleted) {
      const badge = el("span", "kind-badge");
      badge.append(kindIcon(), document.createTextNode(c.kind_label));
      head.append(badge, el("span", "author", c.author));
      if (c.edited) head.append(el("span", "edited", "edited"));
      if (c.seen && !canMarkSeen) head.append(el("span", "seen-state", "Seen"));
    }
    item.append(head);
    if (c.deleted) item.append(el("p", "tombstone", "Comment deleted"));
    else if (drafts.edit[c.id]) item.append(editForm(c, true));
    else item.append(el("p", "body", c.body));

    const actions = el("div", "comment-actions");
    const error = el("span", "inline-error");
    error.setAttribute("role", "alert");
    if (!c.deleted && !drafts.edit[c.id]) {
      if (canMarkSeen && !c.by_owner) {
        const seen = button("small seen-toggle", c.seen ? "Seen \u2713" : "Mark seen", function () {
          write(c.urls.seen, { seen: c.seen ? "false" : "true" }, error);
        });
        seen.setAttribute("aria-pressed", String(c.seen));
        seen.title = c.seen ? "Mark as not seen yet" : "Let your mentor know you have seen this";
        actions.append(seen);
      }
      if (canComment && drafts.reply[c.id] === undefined) {
        actions.append(button("small reply", "Reply", function () {
          drafts.reply[c.id] = "";
          focusAfterRender = '[data-id="' + c.id + '"] .reply-form textarea';
          render();
        }));
      }
      ownActions(c, actions, error, true);
      if (newStepUrl && c.kind === "next_step") {
        const link = el("a", "small step-link", "Make this the next step");
        link.href = newStepUrl + "?comment=" + encodeURIComponent(c.id);
        actions.append(link);
      }
    }
    if (actions.childElementCount) { actions.append(error); item.append(actions); }
    if (c.replies.length) {
      const replies = el("ol", "replies");
      c.replies.forEach(function (r) { replies.append(renderReply(r)); });
      item.append(replies);
    }
    if (drafts.reply[c.id] !== undefined && !c.deleted) item.append(replyForm(c));
    return item;
  }

  function renderMarker(c, duration) {
    const marker = button("marker kind-" + c.kind, null, function () { seek(c.at_seconds); });
    const left = Math.min(100, (c.at_seconds / duration) * 100);
    marker.style.left = left + "%";
    if (c.end_seconds != null) {
      marker.classList.add("range");
      marker.style.width = Math.max(0, Math.min(100, (c.end_seconds / duration) * 100) - left) + "%";
    }
    marker.append(kindIcon());
    marker.title = c.kind_label + " " + span(c) + ": " + c.body.slice(0, 80);
    marker.setAttribute("aria-label", c.kind_label + spoken(c));
    return marker;
  }

  function render() {
    comments.sort(function (a, b) { return a.at_seconds - b.at_seconds || a.id - b.id; });
    list.replaceChildren();
    timeline.replaceChildren();
    noComments.hidden = comments.length > 0;
    const duration = video.duration || Number(root.dataset.duration) || 0;
    comments.forEach(function (c) {
      list.append(renderThread(c));
      if (duration > 0 && !c.deleted) timeline.append(renderMarker(c, duration));
    });
    if (focusAfterRender) {
      const target = list.querySelector(focusAfterRender);
      if (target) target.focus();
      focusAfterRender = null;
    }
  }

  // Processing, then transcription: poll the status route until both reach a terminal state.
  const TERMINAL = ["ready", "failed"];
  function showPlayer(s) {
    if (root.dataset.status === "ready" && !document.getElementById("player").hidden) return;
    root.dataset.status = "ready";
    document.getElementById("processing").hidden = true;
    if (video.tagName === "VIDEO") video.poster = s.poster_url;  // sound-only: an <audio>
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
    captionsButton.hidden = video.tagName !== "VIDEO";  // an <audio> shows no captions
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
        // The talk panel (talk.js) measures from the transcript: it refreshes on this.
        document.dispatchEvent(new CustomEvent("transcript-ready"));
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
    const endInput = document.getElementById("comment-end");
    const endLabel = document.getElementById("comment-end-time");
    const endButton = document.getElementById("comment-end-playhead");
    const endClear = document.getElementById("comment-end-clear");
    const body = document.getElementById("comment-body");
    const error = document.getElementById("comment-error");
    let pinned = false;  // once the teacher starts a comment, keep its moment
    let ended = false;  // and once they set where a range ends, keep that too

    video.addEventListener("timeupdate", function () {
      if (!pinned) timeLabel.textContent = stamp(video.currentTime);
      if (!ended) endLabel.textContent = stamp(video.currentTime);
    });

    function commentAtPlayhead() {
      video.pause();
      pinned = true;
      atInput.value = video.currentTime.toFixed(2);
      timeLabel.textContent = stamp(video.currentTime);
      if (ended && Number(endInput.value) <= Number(atInput.value)) clearEnd();
      body.focus();
    }
    function endAtPlayhead() {
      error.textContent = "";
      if (!pinned) {
        error.textContent = "First choose where it starts: press C or \u201cComment at\u201d.";
        return;
      }
      const t = video.currentTime;
      if (t <= Number(atInput.value)) {
        error.textContent = "Play on past " + stamp(Number(atInput.value)) + ", then set the end.";
        return;
      }
      video.pause();
      ended = true;
      endInput.value = t.toFixed(2);
      endLabel.textContent = stamp(t);
      endButton.classList.add("set");
      endClear.hidden = false;
    }
    function clearEnd() {
      ended = false;
      endInput.value = "";
      endLabel.textContent = stamp(video.currentTime);
      endButton.classList.remove("set");
      endClear.hidden = true;
    }
    document.getElementById("comment-at-playhead").addEventListener("click", commentAtPlayhead);
    endButton.addEventListener("click", endAtPlayhead);
    endClear.addEventListener("click", function () { clearEnd(); body.focus(); });
    commentOnLine = function (seg) {
      video.pause();
      seek(seg.start);
      pinned = true;
      clearEnd();
      atInput.value = Number(seg.start).toFixed(2);
      timeLabel.textContent = stamp(seg.start);
      body.value = "\u201c" + seg.text + "\u201d \u2014 ";
      body.focus();
      body.setSelectionRange(body.value.length, body.value.length);
    };
    document.addEventListener("keydown", function (e) {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "c" || e.key === "C") { e.preventDefault(); commentAtPlayhead(); }
      if (e.key === "e" || e.key === "E") { e.preventDefault(); endAtPlayhead(); }
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
      // What was typed stays in the form until the server has saved it.
      post(form.action, new FormData(form))
        .then(function (res) {
          if (!res.ok) { error.textContent = res.data.error || "The comment was not saved."; return; }
          comments.push(res.data.comment);
          render();
          body.value = "";
          pinned = false;
          clearEnd();
          form.querySelector("#comment-kinds input[value=note]").checked = true;
          timeLabel.textContent = stamp(video.currentTime);
        })
        .catch(function () { error.textContent = "The comment was not saved: check your connection and try again."; });
    });
  }
  render();
})();
