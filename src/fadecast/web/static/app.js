// After htmx swaps in a result or the form with its errors, move the keyboard focus
// (and a screen reader) to its heading or its first error. No inline script: the pages'
// Content Security Policy allows scripts from this server only.
document.addEventListener("htmx:afterSwap", function (event) {
  if (!event.detail || !event.detail.target || event.detail.target.id !== "main") {
    return;
  }
  var target = document.querySelector("#main .error-summary a") ||
    document.querySelector("#main h1");
  if (target) {
    if (target.tagName === "H1") {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
});
