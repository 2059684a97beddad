// Passerelle widget: focus management after htmx swaps (no inline script: CSP script-src 'self').
(function () {
  "use strict";
  // After a new screen is swapped in, move focus to it so keyboard and screen-reader users
  // land on the new content; a poll that only refreshes progress does not steal focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "screen") return;
    var focusable = target.querySelector("[autofocus]") || target.querySelector("h1");
    if (focusable) focusable.focus();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("#screen [autofocus]");
    if (first && document.activeElement === document.body) first.focus();
  });
})();
