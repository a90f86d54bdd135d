// Times as typed and shown in from/to fields (a blur's touch-up, a highlight's in and out):
// m:ss, with tenths between whole seconds. The server's service.clips.blur_review.clock
// writes them the same way, and its parse_clock reads them.

export function clock(seconds) {
  const tenths = Math.max(0, Math.floor(seconds * 10 + 1e-6));
  const whole = Math.floor(tenths / 10), rest = tenths % 10;
  const m = Math.floor(whole / 60), s = whole % 60;
  return m + ":" + String(s).padStart(2, "0") + (rest ? "." + rest : "");
}

// m:ss, m:ss.s, h:mm:ss or seconds; NaN when it is none of those.
export function parseClock(text) {
  const parts = String(text).trim().split(":");
  if (parts.length > 3 || parts.some(function (p) { return !/^\d+(\.\d+)?$/.test(p); })) return NaN;
  return parts.reduce(function (total, p) { return total * 60 + Number(p); }, 0);
}
