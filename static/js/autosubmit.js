// Pages that only pass a form on (the simulated bank's redirects): submit it at once. A static
// file, not an inline handler, so a Content-Security-Policy without 'unsafe-inline' allows it;
// without JavaScript the <noscript> button does the same.
document.querySelectorAll("form[data-autosubmit-form]").forEach((form) => form.submit());
