// Resumable upload with a progress bar. Without JavaScript (or without tus support) the form
// posts itself to the server as before. With it, the file goes in chunks over the tus protocol
// (tus-js-client, vendored): a dropped connection on school Wi-Fi resumes from the last byte
// the server acknowledged instead of starting again, and the teacher can pause and resume.
import { csrfHeaders } from "../lib/csrf.js";
import { details, readDuration, sameDetails } from "./details.js";
import { length, mb, messageFor, timeLeft } from "./messages.js";
import { tabStorage } from "./tab-storage.js";

// Back off up to a minute between tries: a phone walking between classrooms loses the
// network for a while, and each try starts from the offset the server reports (HEAD).
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];

export function initResumableUpload(form) {
  const progress = document.getElementById("upload-progress");
  const bar = progress.querySelector(".bar span");
  const meter = progress.querySelector("[role=progressbar]");
  const text = progress.querySelector(".progress-text");
  const note = document.getElementById("upload-resume-note");
  const errorBox = document.getElementById("upload-error");
  const button = document.getElementById("upload-button");
  const pauseButton = document.getElementById("upload-pause");
  const limit = Number(form.dataset.limit);

  let upload = null;
  let paused = false;
  let clipUrl = null;
  let started = 0;
  let startBytes = null;  // where this run started, for the time-left estimate
  let lastPct = -1;

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

  function begin() {
    startBytes = null;
    paused = false;
    errorBox.hidden = true;
    setPauseButton(true, false);
    upload.start();
  }

  function startUpload(file) {
    const fields = details(form, file);
    clipUrl = null;
    lastPct = -1;
    upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusEndpoint,
      chunkSize: Number(form.dataset.chunkSize) || 5 * 1024 * 1024,
      retryDelays: RETRY_DELAYS,
      metadata: fields,
      headers: csrfHeaders({ "Accept": "application/json" }),
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
        showError("This clip is " + length(seconds) + " long; clips can be at most " +
                  length(maxSeconds) + ". Please trim it on your phone and choose it again.", false);
        return;
      }
      startUpload(file);
    });
  });
}
