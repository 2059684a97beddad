// Passerelle widget: focus after htmx swaps, dialogs, and messages to the embedding page.
// A static file because the CSP allows no inline script (script-src 'self').
(function () {
  "use strict";

  // The page around the widget: a popup's opener or an iframe's parent; none at top level.
  function embedder() {
    if (window.opener && window.opener !== window) return window.opener;
    if (window.parent && window.parent !== window) return window.parent;
    return null;
  }

  // The server names the only origin allowed to read them (the redirect URL's), never "*".
  function post(payload) {
    var target = embedder();
    if (!target || !payload || !payload.origin || payload.origin === "*") return;
    (payload.messages || []).forEach(function (message) {
      try {
        target.postMessage(message, payload.origin);
      } catch (e) { /* a closed opener: nothing to tell */ }
    });
  }

  // Messages of an htmx answer come in its HX-Trigger header, before any HX-Redirect is followed.
  document.addEventListener("passerelle:messages", function (event) {
    post(event.detail);
  });

  // A screen offered as a dialog is a plain page without JavaScript; with it, a modal dialog.
  // Escape means "not this", never "leave": it goes back to the bank list when the screen has
  // that way back; otherwise the dialog closes into the plain page, where the choice stays.
  function openDialogs(root) {
    root.querySelectorAll("dialog[data-modal]").forEach(function (dialog) {
      if (!dialog.isConnected || typeof dialog.showModal !== "function") return;
      if (dialog.open) dialog.close();
      dialog.showModal();
      dialog.addEventListener("cancel", function (event) {
        var back = dialog.querySelector("[data-dialog-back]");
        if (!back) return; // the browser closes it; "close" below shows the plain page
        event.preventDefault(); // (ignored without a recent user action: "close" copes)
        back.click();
      });
      dialog.addEventListener("close", function () {
        if (!dialog.isConnected || dialog.open) return;
        dialog.show(); // not modal: styled as the page it is without JavaScript
        var heading = dialog.querySelector("h1");
        if (heading) heading.focus();
      });
    });
  }

  // After a new screen is swapped in, move focus to it so keyboard and screen-reader users
  // land on the new content; a poll that only refreshes progress does not steal focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "screen") return;
    openDialogs(target);
    if (target.querySelector("dialog[open]")) return; // showModal focused the dialog
    var focusable = target.querySelector("[autofocus]") || target.querySelector("h1");
    if (focusable) focusable.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("parent-messages");
    if (data) {
      try {
        post(JSON.parse(data.textContent));
      } catch (e) { /* malformed: nothing to post */ }
    }
    var leaving = document.querySelector("[data-leave-to]");
    if (leaving) {
      window.location.replace(leaving.getAttribute("data-leave-to"));
      return;
    }
    openDialogs(document);
    var first = document.querySelector("#screen [autofocus]");
    // A page that names no first field starts at its heading, as a swapped screen does; but
    // only a page that has the focus moves it (a frame just embedded never takes it from its
    // host page).
    if (!first && document.hasFocus()) first = document.querySelector("#screen h1");
    if (first && document.activeElement === document.body) first.focus();
  });
})();
