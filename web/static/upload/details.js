// What an upload sends with the file (the tus metadata), whether a remembered upload was
// for the same details, and the clip's length read in the browser before any upload.

export function details(form, file) {
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

export function sameDetails(previous, fields) {
  const old = previous.metadata || {};
  return ["kind", "title", "recorded_on", "step", "class", "lawful_basis", "consent_state",
          "recorded_by", "blur_faces"].every(function (key) {
    return (old[key] || "") === (fields[key] || "");
  });
}

// Read the clip's length from its metadata, so a long one is refused before any upload;
// null when the browser cannot read it (the worker's probe checks every clip anyway).
export function readDuration(file) {
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
