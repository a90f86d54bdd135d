// Playing a clip's stream (HLS with fMP4 segments): the browser's own HLS where it really
// works (Safari, iOS), else hls.js, vendored under static/vendor/hls and loaded only when
// needed. While the clip is still processing the playlist grows (an EVENT playlist): the
// player starts at the beginning, can seek within what is done, and turns into an ordinary
// recording once the playlist ends.
let hls = null;

// Chromium answers "maybe" to canPlayType for HLS on some versions (desktop and Android) and
// then plays it badly or not at all; hls.js is the one that really works there.
function chromium() {
  const brands = navigator.userAgentData ? navigator.userAgentData.brands : null;
  if (brands) return brands.some(function (b) { return b.brand === "Chromium"; });
  return /Chrome\//.test(navigator.userAgent);
}

function nativeHls(video) {
  return video.canPlayType("application/vnd.apple.mpegurl") !== "" && !chromium();
}

export function streaming() {
  return hls !== null || streaming.native === true;
}

// Play `url` (a master playlist) in `video`; answers false where nothing here can play it,
// and the caller plays the MP4 instead. Asked again while hls.js is loading: the same answer.
let attaching = null;

export function attachStream(video, url) {
  if (!attaching) attaching = attach(video, url);
  return attaching;
}

async function attach(video, url) {
  if (streaming()) return true;
  if (nativeHls(video)) {
    streaming.native = true;
    video.src = url;
    return true;
  }
  let Hls;
  try {
    Hls = (await import("../vendor/hls/hls.light.min.mjs")).default;
  } catch (e) {
    return false;
  }
  if (!Hls.isSupported()) return false;
  hls = new Hls({
    enableWorker: false,        // the Content-Security-Policy allows no blob: workers
    startPosition: 0,           // a growing playlist starts at its beginning, not its end
    liveDurationInfinity: false, // the duration is what is done, so seeking within it works
    liveSyncDurationCount: 1,
  });
  hls.on(Hls.Events.ERROR, function (event, data) {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
    else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return true;
}

// How far processing has got, drawn on the timeline: the part that plays already.
export function showDone(timeline, seconds, duration) {
  let bar = document.getElementById("stream-done");
  if (!bar) {
    bar = document.createElement("div");
    bar.id = "stream-done";
    bar.setAttribute("aria-hidden", "true");
    Object.assign(bar.style, {
      position: "absolute", left: "0", bottom: "0", height: "4px",
      background: "#2f6fd6", borderRadius: "2px", pointerEvents: "none",
    });
    timeline.prepend(bar);
  }
  const pct = duration > 0 ? Math.min(100, (seconds / duration) * 100) : 0;
  bar.style.width = pct + "%";
  bar.hidden = pct >= 100;
}
