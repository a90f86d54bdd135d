// The upload form's fields that depend on each other.

// The step picker only matters for rehearsals.
export function initStepPicker() {
  const kind = document.querySelector("select[name=kind]");
  const field = document.getElementById("step-field");
  if (!kind || !field) return;
  function sync() { field.hidden = kind.value !== "rehearsal"; }
  kind.addEventListener("change", sync);
  sync();
}

// Blurring: forced on (and said why) when some pupils have not consented; not offered for a
// sound-only class, which keeps no picture. The server applies the same rules.
export function initBlurChoice() {
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
}
