// The words the upload page shows: sizes, lengths, time left, and what went wrong.

export function mb(bytes) { return (bytes / (1024 * 1024)).toFixed(1) + " MB"; }

// A clip's length in words ("2 min 5 s"), for the too-long message.
export function length(seconds) {
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return m ? m + " min" + (s ? " " + s + " s" : "") : s + " s";
}

export function timeLeft(seconds) {
  if (seconds < 60) return "about " + Math.max(1, Math.ceil(seconds)) + " s left";
  return "about " + Math.ceil(seconds / 60) + " min left";
}

// The server answers errors as {"error": "..."} written for teachers; use its words.
export function messageFor(err) {
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
