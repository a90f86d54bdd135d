// The API tokens page: copy a new token's secret to the clipboard.
const button = document.getElementById("copy-token");
const status = document.getElementById("copy-status");
if (button) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied. Paste it where the other system asks for it.";
    } catch {
      field.select();
      status.textContent = "Copying was refused: the token is selected, so copy it yourself.";
    }
  });
}
