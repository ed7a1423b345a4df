// Payment step: the card's installment options once its first six digits are known (only
// those digits leave the page), the total of the chosen option, and the «Taksit Seçenekleri»
// dialog. Without JavaScript the form still works (Peşin; the table opens as a page).
(function () {
  const input = document.querySelector("[data-card-number]");
  const target = document.getElementById("installments");
  const total = document.getElementById("pay-total");

  function showCheckedTotal() {
    const checked = target && target.querySelector("input[name=installment]:checked");
    if (checked && total) total.textContent = checked.dataset.total;
  }

  if (input && target && window.htmx) {
    let lastBin = null;
    input.addEventListener("input", function () {
      const digits = input.value.replace(/\D/g, "");
      const bin = digits.length >= 6 ? digits.slice(0, 6) : "";
      if (bin === lastBin) return;
      lastBin = bin;
      htmx.ajax("GET", input.dataset.binUrl + "?bin=" + encodeURIComponent(bin), {
        target: target,
        swap: "innerHTML",
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name=installment]") && total) {
      total.textContent = event.target.dataset.total;
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === target) showCheckedTotal();
  });
  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-dialog-open]");
    if (!opener) return;
    const dialog = document.getElementById(opener.dataset.dialogOpen);
    if (dialog && dialog.showModal) {
      event.preventDefault();
      if (!dialog.open) dialog.showModal();
    }
  });
})();
