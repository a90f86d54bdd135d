// One timestamp format for every page, the same as the server's `timestamp` template filter
// (web/formatting.py): mm:ss under an hour, h:mm:ss past it, and an en dash for no time.

export function stamp(seconds) {
  if (seconds == null) return "\u2013";
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(sec).padStart(2, "0");
  return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
}
