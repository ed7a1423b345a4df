// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]") && el.form) el.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  navigator.clipboard?.writeText(button.dataset.copy).then(() => {
    const original = button.textContent;
    button.textContent = button.dataset.copiedLabel || "Kopyalandı";
    setTimeout(() => { button.textContent = original; }, 1500);
  });
});
document.addEventListener("submit", (event) => {
  // Guard against double submission of state-changing forms.
  const form = event.target;
  if (form.matches("form[data-once]")) {
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
  }
});
// The header menu collapses behind «Menü» on narrow screens (CSS decides when the button shows);
// without JavaScript the button stays hidden and the menu is simply open.
document.querySelectorAll("[data-nav-toggle]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
  });
});
