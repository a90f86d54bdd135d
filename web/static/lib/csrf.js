// The CSRF token every page carries in <meta name="csrf-token">, sent as the X-CSRFToken
// header that Flask-WTF reads on a fetch that changes something.

export function csrfToken() {
  return document.querySelector("meta[name=csrf-token]").content;
}

// The headers given, plus the CSRF header.
export function csrfHeaders(headers) {
  return Object.assign({}, headers, { "X-CSRFToken": csrfToken() });
}
