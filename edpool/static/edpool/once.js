// A form that changes something is sent once: a second click (or Enter) while the first request
// is on its way does nothing, and the button says so. Forms driven by htmx (hx-*) and GET forms
// (searches, downloads) are left alone. Going back to the page (bfcache) makes it usable again.
(function () {
  "use strict";
  function changesSomething(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post" &&
      !form.hasAttribute("hx-post") && !form.hasAttribute("hx-get") && !form.hasAttribute("data-send-again");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !changesSomething(form) || event.defaultPrevented) return;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    // aria-disabled, not disabled: a disabled button would drop its own name and value from the request.
    form.querySelectorAll("button:not([type]), button[type=submit], input[type=submit]").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
      b.classList.add("sending");
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll(".sending").forEach(function (b) {
        b.removeAttribute("aria-disabled");
        b.classList.remove("sending");
      });
    });
  });
})();
