// The phone menu is a <details>, so it opens and closes without scripts; with them, Escape
// closes it (handing the focus back to "Menu") and so does a tap anywhere outside it.
const menu = document.querySelector("details.menu");

if (menu) {
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (e) {
    if (menu.open && !menu.contains(e.target)) menu.open = false;
  });
}
