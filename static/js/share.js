// "Copy link" for the share row; without JavaScript the link field stays usable.
// Its words come translated in the button's data attributes (no catalogue to load).
document.querySelectorAll(".share__copy").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      button.textContent = button.dataset.copied;
    } catch {
      button.textContent = button.dataset.failed;
    }
  });
});
