// Where the picture itself sits inside the <video> element (not the letterbox bars around
// it), and an overlay laid exactly over it, for picking a face or drawing an area to blur.

export function pictureRect(video) {
  const r = video.getBoundingClientRect();
  const scale = Math.min(r.width / video.videoWidth, r.height / video.videoHeight);
  const w = video.videoWidth * scale, h = video.videoHeight * scale;
  return { left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, width: w, height: h };
}

// Lay `overlay` over the picture; the video's offsetParent (the .player) holds it.
export function fitOverlay(video, overlay) {
  const picture = pictureRect(video);
  const box = video.offsetParent.getBoundingClientRect();
  overlay.style.left = (picture.left - box.left) + "px";
  overlay.style.top = (picture.top - box.top) + "px";
  overlay.style.width = picture.width + "px";
  overlay.style.height = picture.height + "px";
}

export function overlayOver(video, className) {
  const overlay = document.createElement("div");
  overlay.className = className;
  overlay.tabIndex = 0;
  fitOverlay(video, overlay);
  video.offsetParent.append(overlay);
  return overlay;
}
