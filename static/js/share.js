// "Copy link" for the share row; without JavaScript the link field stays usable.
document.querySelectorAll(".share__copy").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      button.textContent = "Link copied";
    } catch {
      button.textContent = "Copy failed — select the link below";
    }
  });
});
