// Passerelle host SDK: shows the widget in an iframe, a popup or the whole window, and turns
// the messages it posts into callbacks. No dependencies; see the README's "Embedding" section.
(function (global) {
  "use strict";

  var STORE = "passerelle:"; // sessionStorage key prefix: the widget link, for resume()
  var CALLBACKS = {success: "onSuccess", cancelled: "onExit"}; // anything else: onError

  function fail(what) {
    throw new TypeError("Passerelle: " + what);
  }

  function parse(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      var parsed = new URL(url, global.location.href);
      if (parsed.protocol === "https:" || parsed.protocol === "http:") return parsed;
    } catch (e) { /* below */ }
    return null;
  }

  function remember(id, url) {
    try {
      if (id) global.sessionStorage.setItem(STORE + id, url);
    } catch (e) { /* storage off: resume() then needs options.url */ }
  }

  function forget(id) {
    try {
      if (id) global.sessionStorage.removeItem(STORE + id);
    } catch (e) { /* storage off: nothing kept */ }
  }

  function remembered(id) {
    try {
      return global.sessionStorage.getItem(STORE + id);
    } catch (e) {
      return null;
    }
  }

  // What onSuccess, onExit and onError receive: the redirect_to message, with the fields the
  // widget adds to the redirect URL's query (error, error_description, state).
  function outcome(message) {
    var query = (parse(message.redirect_url) || {searchParams: new URLSearchParams()}).searchParams;
    var result = {
      result: message.result || message.status, widget: message.widget || null,
      connection_id: message.connection_id || null, redirect_url: message.redirect_url || null
    };
    ["error", "error_description", "state"].forEach(function (name) {
      result[name] = query.get(name);
    });
    return result;
  }

  // The popup closed by the user (cancelled) or blocked by the browser (error): no message.
  function ended(result, error) {
    return {result: result, widget: null, connection_id: null, redirect_url: null,
            error: error || null, error_description: null, state: null};
  }

  function open(options) {
    var o = options || {};
    var url = parse(o.url);
    var mode = o.mode || "iframe";
    if (!url) fail("options.url must be an http(s) widget link");
    if (mode === "redirect") {
      global.location.assign(url.href);
      return {mode: mode, close: function () {}};
    }
    var container = typeof o.container === "string" ? document.querySelector(o.container)
      : o.container;
    if (mode !== "iframe" && mode !== "popup") fail("options.mode: iframe, popup or redirect");
    if (mode === "iframe" && !container) fail("options.container: no such element");

    var origin = url.origin;
    var sessionId = url.searchParams.get("session_id");
    var frame = null;
    var widgetWindow = null; // the only window whose messages count
    var timer = null;
    var done = false;
    var handle = {mode: mode, close: close};

    function stop() {
      done = true;
      global.removeEventListener("message", listen);
      global.clearInterval(timer);
      global.clearTimeout(timer);
    }

    function finish(result) {
      if (done) return;
      stop();
      forget(sessionId); // ended: a reload of the page has nothing to resume
      var callback = o[CALLBACKS[result.result] || "onError"];
      if (typeof callback === "function") callback(result, handle);
    }

    function listen(event) {
      if (event.origin !== origin || !widgetWindow || event.source !== widgetWindow) return;
      var message = event.data;
      if (!message || typeof message !== "object" || Array.isArray(message)) return;
      try {
        if (typeof o.onEvent === "function") o.onEvent(message, handle);
      } finally { // an onEvent that throws never swallows the ending
        if (message.eventName === "redirect_to") finish(outcome(message));
      }
    }

    function close() {
      stop();
      forget(sessionId);
      if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
      if (mode === "popup" && widgetWindow && !widgetWindow.closed) widgetWindow.close();
      frame = widgetWindow = null;
    }

    // Listening before the widget exists: it posts OPEN as soon as it loads.
    global.addEventListener("message", listen);
    if (mode === "iframe") {
      remember(sessionId, url.href);
      frame = document.createElement("iframe");
      frame.src = url.href;
      frame.title = o.title || "Passerelle";
      frame.className = o.className || "passerelle-frame";
      container.appendChild(frame);
      widgetWindow = handle.window = frame.contentWindow;
      handle.frame = frame;
    } else {
      widgetWindow = handle.window = global.open(url.href, o.popupName || "passerelle",
                                                 o.popupFeatures || "popup,width=480,height=760");
      if (!widgetWindow) {
        // Blocked (open() was not called from a click): told after open() has returned.
        done = true;
        global.removeEventListener("message", listen);
        timer = global.setTimeout(function () {
          var callback = o.onError;
          if (typeof callback === "function") callback(ended("error", "popup_blocked"), handle);
        }, 0);
        return handle;
      }
      // No event says a cross-origin popup was closed: look twice a second.
      timer = global.setInterval(function () {
        if (widgetWindow.closed) finish(ended("cancelled"));
      }, 500);
      widgetWindow.focus();
    }
    return handle;
  }

  // On the aspsp_callback_uri page after a REDIRECT bank (its query has session_id and state):
  // the iframe again, with the widget link this tab opened for that session (or options.url).
  function resume(options) {
    var o = options || {};
    var query = new URLSearchParams(global.location.search);
    var id = query.get("session_id");
    if (!id) return null;
    var given = parse(o.url);
    var url = remembered(id) ||
      (given && given.searchParams.get("session_id") === id ? given.href : null);
    if (!url) return null;
    var copy = {};
    Object.keys(o).forEach(function (key) { copy[key] = o[key]; });
    copy.url = url;
    copy.mode = "iframe";
    var handle = open(copy);
    handle.resumed = {session_id: id, state: query.get("state")};
    return handle;
  }

  global.Passerelle = {open: open, resume: resume, version: "1"};
})(window);
