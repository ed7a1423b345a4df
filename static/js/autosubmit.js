// Pages that only pass the browser on (the simulated bank's redirects): submit the marked form
// as soon as the page is parsed. A static file, not an inline handler (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});
