// Sizes and places worked out on the server (bar lengths, spans along a strip) come as
// data-width and data-left: the Content-Security-Policy refuses style attributes in markup,
// but lets a script set them.
export function applySizes(root) {
  root.querySelectorAll("[data-width], [data-left]").forEach(function (el) {
    if (el.dataset.width) el.style.width = el.dataset.width;
    if (el.dataset.left) el.style.left = el.dataset.left;
  });
}

applySizes(document);
