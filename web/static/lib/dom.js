// Building the small pieces of page the scripts draw.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

export function button(className, text, onClick) {
  const b = el("button", className, text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

// Run `handler` once the media element knows its length: now, if a deferred script (every
// module is one) starts after the metadata has already loaded, or on loadedmetadata.
export function whenMetadata(media, handler) {
  if (media.readyState >= 1) handler();
  else media.addEventListener("loadedmetadata", handler, { once: true });
}

// Run `handler` on every loadedmetadata, and now as well if the metadata is already there.
export function onMetadata(media, handler) {
  media.addEventListener("loadedmetadata", handler);
  if (media.readyState >= 1) handler();
}
