// Resumable upload with a progress bar. Without JavaScript (or without tus support) the form
// posts itself to the server as before. With it, the file goes in chunks over the tus protocol
// (tus-js-client, vendored): a dropped connection on school Wi-Fi resumes from the last byte
// the server acknowledged instead of starting again, and the teacher can pause and resume.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form || !window.tus || !window.tus.isSupported) return;
  const progress = document.getElementById("upload-progress");
  const bar = progress.querySelector(".bar span");
  const meter = progress.querySelector("[role=progressbar]");
  const text = progress.querySelector(".progress-text");
  const note = document.getElementById("upload-resume-note");
  const errorBox = document.getElementById("upload-error");
  const button = document.getElementById("upload-button");
  const pauseButton = document.getElementById("upload-pause");
  const limit = Number(form.dataset.limit);
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  // Back off up to a minute between tries: a phone walking between classrooms loses the
  // network for a while, and each try starts from the offset the server reports (HEAD).
  const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

  // Where an unfinished upload is remembered so a reload can resume it: this tab's
  // sessionStorage, not the default localStorage, because school computers are shared and the
  // entry names the clip. It lasts until the tab closes; the server drops the upload a day later.
  const tabStorage = {
    _entries: function (prefix) {
      const found = [];
      for (let i = 0; i < window.sessionStorage.length; i++) {
        const key = window.sessionStorage.key(i);
        if (key.indexOf(prefix) !== 0) continue;
        try {
          const entry = JSON.parse(window.sessionStorage.getItem(key));
          entry.urlStorageKey = key;
          found.push(entry);
        } catch (e) { /* not ours */ }
      }
      return found;
    },
    findAllUploads: function () { return Promise.resolve(this._entries("tus::")); },
    findUploadsByFingerprint: function (fingerprint) {
      return Promise.resolve(this._entries("tus::" + fingerprint + "::"));
    },
    removeUpload: function (key) {
      window.sessionStorage.removeItem(key);
      return Promise.resolve();
    },
    addUpload: function (fingerprint, entry) {
      const key = "tus::" + fingerprint + "::" + Math.round(Math.random() * 1e12);
      window.sessionStorage.setItem(key, JSON.stringify(entry));
      return Promise.resolve(key);
    },
  };

  let upload = null;
  let paused = false;
  let clipUrl = null;
  let started = 0;
  let startBytes = null;  // where this run started, for the time-left estimate
  let lastPct = -1;

  function mb(bytes) { return (bytes / (1024 * 1024)).toFixed(1) + " MB"; }
  function clock(seconds) {
    const whole = Math.round(seconds);
    const m = Math.floor(whole / 60);
    const s = whole % 60;
    return m ? m + " min" + (s ? " " + s + " s" : "") : s + " s";
  }
  function timeLeft(seconds) {
    if (seconds < 60) return "about " + Math.max(1, Math.ceil(seconds)) + " s left";
    return "about " + Math.ceil(seconds / 60) + " min left";
  }
  function setPauseButton(visible, isPaused) {
    pauseButton.hidden = !visible;
    pauseButton.textContent = isPaused ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", isPaused ? "true" : "false");
  }
  function showError(message, canResume) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    if (canResume) {
      paused = true;
      setPauseButton(true, true);
    } else {
      upload = null;
      progress.hidden = true;
      setPauseButton(false, false);
      button.disabled = false;
    }
  }
  function setProgress(sent, total) {
    if (startBytes === null) {
      startBytes = sent;
      started = Date.now();
    }
    const pct = total ? Math.floor((sent / total) * 100) : 0;
    bar.style.width = pct + "%";
    meter.setAttribute("aria-valuenow", String(pct));
    if (pct === lastPct) return;  // the live region speaks once per percent, not per packet
    lastPct = pct;
    const elapsed = (Date.now() - started) / 1000;
    const rate = (sent - startBytes) / Math.max(elapsed, 0.001);
    const left = rate > 0 && elapsed > 2 && pct < 100 ? ", " + timeLeft((total - sent) / rate) : "";
    text.textContent = "Uploading… " + pct + "% (" + mb(sent) + " of " + mb(total) + ")" + left;
  }
  // The server answers errors as {"error": "..."} written for teachers; use its words.
  function messageFor(err) {
    const response = err && err.originalResponse;
    if (response) {
      let message = null;
      try { message = JSON.parse(response.getBody()).error; } catch (e) { message = null; }
      const status = response.getStatus();
      return {
        message: message || "The upload did not work (error " + status + "). Please try again.",
        canResume: status >= 500 || status === 409 || status === 423,
      };
    }
    return {
      message: "The connection dropped and did not come back. Check the Wi-Fi, then press " +
        "Resume: the upload carries on from where it stopped.",
      canResume: true,
    };
  }

  // Read the clip's length from its metadata, so a long one is refused before any upload;
  // null when the browser cannot read it (the worker's probe checks every clip anyway).
  function readDuration(file) {
    return new Promise(function (resolve) {
      const video = document.createElement("video");
      const url = URL.createObjectURL(file);
      let done = false;
      function finish(value) {
        if (done) return;
        done = true;
        URL.revokeObjectURL(url);
        video.removeAttribute("src");
        resolve(value);
      }
      video.preload = "metadata";
      video.muted = true;
      video.addEventListener("loadedmetadata", function () {
        finish(Number.isFinite(video.duration) ? video.duration : null);
      });
      video.addEventListener("error", function () { finish(null); });
      setTimeout(function () { finish(null); }, 8000);
      video.src = url;
    });
  }

  function details(file) {
    const step = form.querySelector("select[name=step]");
    const kind = form.querySelector("select[name=kind]").value;
    const fields = {
      filename: file.name,
      filetype: file.type || "application/octet-stream",
      kind: kind,
      title: form.querySelector("input[name=title]").value.trim(),
      recorded_on: form.querySelector("input[name=recorded_on]").value,
    };
    if (kind === "rehearsal" && step && step.value) fields.step = step.value;
    // The consent register's record and the privacy choices (see _upload_privacy.html).
    const schoolClass = form.querySelector("select[name=school_class]");
    if (schoolClass && schoolClass.value) fields["class"] = schoolClass.value;
    fields.lawful_basis = form.querySelector("select[name=lawful_basis]").value;
    const consent = form.querySelector("input[name=consent_state]:checked");
    fields.consent_state = consent ? consent.value : "not_recorded";
    fields.recorded_by = form.querySelector("input[name=recorded_by]").value.trim();
    fields.blur_faces = form.querySelector("input[name=blur_faces]").checked ? "1" : "0";
    return fields;
  }

  function sameDetails(previous, fields) {
    const old = previous.metadata || {};
    return ["kind", "title", "recorded_on", "step", "class", "lawful_basis", "consent_state",
            "recorded_by", "blur_faces"].every(function (key) {
      return (old[key] || "") === (fields[key] || "");
    });
  }

  function begin() {
    startBytes = null;
    paused = false;
    errorBox.hidden = true;
    setPauseButton(true, false);
    upload.start();
  }

  function startUpload(file) {
    const fields = details(file);
    clipUrl = null;
    lastPct = -1;
    upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusEndpoint,
      chunkSize: Number(form.dataset.chunkSize) || 5 * 1024 * 1024,
      retryDelays: RETRY_DELAYS,
      metadata: fields,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      removeFingerprintOnSuccess: true,
      urlStorage: tabStorage,
      onProgress: function (sent, total) { setProgress(sent, total); },
      onAfterResponse: function (req, res) {
        const url = res.getHeader("Coachreel-Clip-Url");
        if (url) clipUrl = url;
      },
      onError: function (err) {
        const problem = messageFor(err);
        showError(problem.message, problem.canResume);
      },
      onSuccess: function () {
        setPauseButton(false, false);
        bar.style.width = "100%";
        meter.setAttribute("aria-valuenow", "100");
        text.textContent = "Uploaded. Opening your clip…";
        window.location.assign(clipUrl || form.action || "/clips/");
      },
    });
    progress.hidden = false;
    note.hidden = false;
    button.disabled = true;
    bar.style.width = "0%";
    meter.setAttribute("aria-valuenow", "0");
    text.textContent = "Starting upload…";
    // After a reload or a crash, carry on with the same file's unfinished upload if the
    // details are the same; otherwise this is a new clip.
    upload.findPreviousUploads().then(function (previous) {
      const match = previous.find(function (p) { return sameDetails(p, fields); });
      if (match) upload.resumeFromPreviousUpload(match);
      begin();
    }, begin);
  }

  pauseButton.addEventListener("click", function () {
    if (!upload) return;
    if (paused) {
      text.textContent = "Resuming…";
      begin();
    } else {
      paused = true;
      upload.abort();  // keeps the upload on the server; Resume asks it where to carry on
      setPauseButton(true, true);
      text.textContent = "Paused at " + Math.max(lastPct, 0) + "%. Press Resume to carry on.";
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (upload) return;
    errorBox.hidden = true;
    const file = form.querySelector("input[type=file]").files[0];
    if (!form.querySelector("input[name=title]").value.trim()) {
      showError("Please give the clip a title.", false);
      return;
    }
    if (!file) { showError("Please choose a video file.", false); return; }
    if (file.size === 0) { showError("The file is empty. Please choose the video file again.", false); return; }
    if (file.size > limit) {
      showError("This file is " + mb(file.size) + ", larger than the " + form.dataset.limitText +
                " upload limit. Please trim the video or record at a lower resolution.", false);
      return;
    }
    const maxSeconds = Number(form.dataset.maxSeconds);
    button.disabled = true;
    readDuration(file).then(function (seconds) {
      if (seconds !== null && maxSeconds && seconds > maxSeconds + 0.5) {
        showError("This clip is " + clock(seconds) + " long; clips can be at most " +
                  clock(maxSeconds) + ". Please trim it on your phone and choose it again.", false);
        return;
      }
      startUpload(file);
    });
  });
})();

// The step picker only matters for rehearsals.
(function () {
  "use strict";
  const kind = document.querySelector("select[name=kind]");
  const field = document.getElementById("step-field");
  if (!kind || !field) return;
  function sync() { field.hidden = kind.value !== "rehearsal"; }
  kind.addEventListener("change", sync);
  sync();
})();

// Blurring: forced on (and said why) when some pupils have not consented; not offered for a
// sound-only class, which keeps no picture. The server applies the same rules.
(function () {
  "use strict";
  const blur = document.querySelector("input[name=blur_faces]");
  const field = document.getElementById("blur-field");
  const hint = document.getElementById("blur-hint");
  if (!blur || !field || !hint) return;
  const schoolClass = document.querySelector("select[name=school_class]");
  const soundNote = document.getElementById("sound-only-note");
  const usualHint = hint.textContent;
  let chosen = blur.checked;  // the uploader's own choice, restored when nothing forces it
  blur.addEventListener("change", function () { if (!blur.disabled) chosen = blur.checked; });
  function sync() {
    const consent = document.querySelector("input[name=consent_state]:checked");
    const forced = consent !== null && consent.value === "some_refused";
    const option = schoolClass ? schoolClass.selectedOptions[0] : null;
    const soundOnly = option !== null && option !== undefined && option.dataset.soundOnly === "true";
    field.hidden = soundOnly;
    if (soundNote) soundNote.hidden = !soundOnly;
    blur.disabled = forced;
    blur.checked = forced || chosen;
    hint.textContent = forced
      ? "Some pupils shown have not consented, so their faces must be blurred: this cannot be " +
        "turned off. Until then only you can see the video."
      : usualHint;
  }
  document.querySelectorAll("input[name=consent_state]").forEach(function (input) {
    input.addEventListener("change", sync);
  });
  if (schoolClass) schoolClass.addEventListener("change", sync);
  sync();
})();
