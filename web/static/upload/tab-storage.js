// Where an unfinished upload is remembered so a reload can resume it (tus-js-client's
// urlStorage): this tab's sessionStorage, not the default localStorage, because school
// computers are shared and the entry names the clip. It lasts until the tab closes; the
// server drops the upload a day later.

export const tabStorage = {
  _entries: function (prefix) {
    const found = [];
    for (let i = 0; i < window.sessionStorage.length; i++) {
      const key = window.sessionStorage.key(i);
      if (key.indexOf(prefix) !== 0) continue;
      try {
        const entry = JSON.parse(window.sessionStorage.getItem(key));
        entry.urlStorageKey = key;
        found.push(entry);
      } catch (e) { /* not ours */ }
    }
    return found;
  },
  findAllUploads: function () { return Promise.resolve(this._entries("tus::")); },
  findUploadsByFingerprint: function (fingerprint) {
    return Promise.resolve(this._entries("tus::" + fingerprint + "::"));
  },
  removeUpload: function (key) {
    window.sessionStorage.removeItem(key);
    return Promise.resolve();
  },
  addUpload: function (fingerprint, entry) {
    const key = "tus::" + fingerprint + "::" + Math.round(Math.random() * 1e12);
    window.sessionStorage.setItem(key, JSON.stringify(entry));
    return Promise.resolve(key);
  },
};
