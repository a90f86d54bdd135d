// Times as the touch-up's from/to fields show them: m:ss, with tenths between whole seconds
// (the server's service.clips.blur_review.clock writes them the same way).

export function clock(seconds) {
  const tenths = Math.max(0, Math.floor(seconds * 10 + 1e-6));
  const whole = Math.floor(tenths / 10), rest = tenths % 10;
  const m = Math.floor(whole / 60), s = whole % 60;
  return m + ":" + String(s).padStart(2, "0") + (rest ? "." + rest : "");
}
