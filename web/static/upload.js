// Upload with a progress bar: the form posts itself without JavaScript; with it, we send the
// same form by XHR so the teacher sees how far the upload has got and how long is left.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const progress = document.getElementById("upload-progress");
  const bar = progress.querySelector(".bar span");
  const text = progress.querySelector(".progress-text");
  const errorBox = document.getElementById("upload-error");
  const button = document.getElementById("upload-button");
  const limit = Number(form.dataset.limit);

  function mb(bytes) { return (bytes / (1024 * 1024)).toFixed(1) + " MB"; }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    progress.hidden = true;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    const file = form.querySelector("input[type=file]").files[0];
    if (!form.querySelector("input[name=title]").value.trim()) {
      showError("Please give the clip a title.");
      return;
    }
    if (!file) { showError("Please choose a video file."); return; }
    if (file.size === 0) { showError("The file is empty. Please choose the video file again."); return; }
    if (file.size > limit) {
      showError("This file is " + mb(file.size) + ", larger than the " + form.dataset.limitText +
                " upload limit. Please trim the video or record at a lower resolution.");
      return;
    }
    const xhr = new XMLHttpRequest();
    const started = Date.now();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      const pct = Math.floor((e.loaded / e.total) * 100);
      bar.style.width = pct + "%";
      const elapsed = (Date.now() - started) / 1000;
      const rate = e.loaded / Math.max(elapsed, 0.001);
      const left = rate > 0 ? Math.ceil((e.total - e.loaded) / rate) : 0;
      text.textContent = "Uploading… " + pct + "% (" + mb(e.loaded) + " of " + mb(e.total) + ")" +
        (pct < 100 && elapsed > 1 ? ", about " + left + " s left" : "");
    });
    xhr.addEventListener("load", function () {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
      if (xhr.status === 201 && data.url) {
        text.textContent = "Uploaded. Opening your clip…";
        window.location.assign(data.url);
      } else {
        showError(data.error || "The upload did not work (error " + xhr.status + "). Please try again.");
      }
    });
    xhr.addEventListener("error", function () {
      showError("The upload was interrupted. Please check your connection and try again.");
    });
    progress.hidden = false;
    button.disabled = true;
    bar.style.width = "0%";
    text.textContent = "Starting upload…";
    xhr.send(new FormData(form));
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
