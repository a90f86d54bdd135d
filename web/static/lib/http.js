// Talking to the app's JSON routes.
import { csrfHeaders } from "./csrf.js";

// Post a form (a FormData, or an object of fields) with the CSRF header; resolves to
// { ok, data } with the JSON the server answered, and rejects when there was no answer.
export function postForm(url, fields) {
  const body = fields instanceof FormData ? fields : new FormData();
  if (!(fields instanceof FormData)) {
    Object.keys(fields || {}).forEach(function (k) { body.append(k, fields[k]); });
  }
  return fetch(url, {
    method: "POST",
    headers: csrfHeaders({ Accept: "application/json" }),
    body: body,
  }).then(function (r) {
    return r.json().then(function (d) { return { ok: r.ok, data: d }; });
  });
}

export function getJSON(url) {
  return fetch(url, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); });
}
