// The upload page: a resumable upload over tus where the browser can (see upload/), and the
// form's fields that depend on each other. Without JavaScript the form posts as before.
import { initBlurChoice, initStepPicker } from "./upload/fields.js";
import { initResumableUpload } from "./upload/resumable.js";

const form = document.getElementById("upload-form");
// tus-js-client is a classic script before this one, so window.tus is there by now.
if (form && window.tus && window.tus.isSupported) initResumableUpload(form);
initStepPicker();
initBlurChoice();
