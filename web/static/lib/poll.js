// Polling a status route until it reaches a terminal state. `update` gets each answer and
// returns true once there is nothing more to wait for. A failed request (or an update that
// throws) backs off to `retry` ms before asking again, or gives up when `retry` is null.
//
//   const p = poller(url, function (s) { show(s); return s.status === "ready"; },
//                    { interval: 1000, retry: 3000 });
//   p.start();
//
// Options: first (ms before the first request; 0 asks at once), interval (ms between
// answers and the next request), retry, tries (most requests per start), read (turns the
// response into what update gets; JSON by default), accept (the Accept header).
// start() does nothing while a round is already under way.

function readJSON(r) { return r.json(); }

export function poller(url, update, options) {
  const o = Object.assign(
    { first: 0, interval: 1000, retry: 3000, tries: Infinity, read: readJSON, accept: "application/json" },
    options
  );
  let active = false;
  let left = 0;

  function stop() { active = false; }

  function later(delay) { setTimeout(ask, delay); }

  function ask() {
    left -= 1;
    fetch(url, { headers: { Accept: o.accept } })
      .then(o.read)
      .then(function (answer) {
        if (update(answer) || left <= 0) { stop(); return; }
        later(o.interval);
      })
      .catch(function () {
        if (o.retry == null || left <= 0) { stop(); return; }
        later(o.retry);
      });
  }

  return {
    start: function () {
      if (active) return;
      active = true;
      left = o.tries;
      if (o.first > 0) later(o.first); else ask();
    },
  };
}
