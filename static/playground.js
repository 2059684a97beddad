// Passerelle playground: shows the widget in an iframe or a popup, as a Client's page does,
// and logs every message the widget posts. A static file: the CSP allows no inline script.
(function () {
  "use strict";
  // Loaded in <head> without defer: the page's "without JavaScript" notes are hidden at once.
  document.documentElement.classList.add("js");

  var STORE_PREFIX = "passerelle-playground-log:";
  var MAX_ENTRIES = 500;
  var RESULT_FIELDS = ["result", "widget", "connection_id"];

  // The log outlives the page: in iframe mode the bank takes the whole window, then sends it
  // back here (aspsp_callback_uri). sessionStorage is per tab, so nothing leaks to other tabs.
  function loadLog(key) {
    try {
      var list = JSON.parse(window.sessionStorage.getItem(key) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function saveLog(key, list) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(list.slice(-MAX_ENTRIES)));
    } catch (e) { /* storage off or full: the log lasts as long as the page */ }
  }

  function httpUrl(value) {
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function isMessage(data) {
    return data !== null && typeof data === "object" && !Array.isArray(data);
  }

  // What the log shows besides the name and the date: the rest of the message, as JSON.
  function details(data) {
    if (!isMessage(data)) return JSON.stringify(data);
    var rest = {};
    Object.keys(data).forEach(function (key) {
      if (key !== "eventName" && key !== "name" && key !== "date") rest[key] = data[key];
    });
    return Object.keys(rest).length ? JSON.stringify(rest) : "";
  }

  function entryElement(entry) {
    var data = entry.data;
    var item = document.createElement("li");
    var name = document.createElement("code");
    name.className = "event-name";
    name.textContent = isMessage(data) && typeof data.eventName === "string" ? data.eventName : "?";
    var when = document.createElement("time");
    var date = isMessage(data) && typeof data.date === "string" ? data.date : entry.received;
    when.dateTime = date;
    var parsed = new Date(date);
    when.textContent = isNaN(parsed.getTime()) ? date
      : parsed.toLocaleTimeString(document.documentElement.lang || undefined);
    item.appendChild(name);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(when);
    var text = details(data);
    if (text) {
      var more = document.createElement("code");
      more.className = "event-details";
      more.textContent = text;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(more);
    }
    return item;
  }

  // The result summary, filled from a `redirect_to` message (text only, never HTML).
  function showResult(data, moveFocus) {
    var section = document.getElementById("widget-result");
    if (!section) return;
    var result = data.result || data.status;
    section.querySelectorAll("[data-outcome]").forEach(function (note) {
      note.hidden = note.getAttribute("data-outcome") !== result;
    });
    var values = {result: result, widget: data.widget, connection_id: data.connection_id};
    RESULT_FIELDS.forEach(function (field) {
      var value = values[field] === null || values[field] === undefined ? "" : String(values[field]);
      section.querySelector('[data-result-field="' + field + '"]').textContent = value;
      section.querySelector('[data-result-none="' + field + '"]').hidden = value !== "";
    });
    var link = document.getElementById("return-link");
    var target = httpUrl(data.redirect_url);
    if (link) {
      if (target) link.href = target;
      link.hidden = false;
    }
    section.hidden = false;
    if (moveFocus) document.getElementById("widget-result-title").focus();
  }

  // The widget itself comes from static/passerelle.js, the SDK a Client's page uses: this
  // page only logs what it reports.
  function startHost(host) {
    var mode = host.getAttribute("data-mode");
    var widgetUrl = host.getAttribute("data-widget-url");
    var key = STORE_PREFIX + host.getAttribute("data-session-id");
    var log = document.getElementById("message-log");
    var empty = document.getElementById("message-log-empty");
    var entries = loadLog(key);

    function add(entry) {
      log.appendChild(entryElement(entry));
      log.scrollTop = log.scrollHeight; // the newest in view
      empty.hidden = true;
    }

    entries.forEach(function (entry) {
      add(entry);
      if (isMessage(entry.data) && entry.data.eventName === "redirect_to") {
        showResult(entry.data, false);
      }
    });

    function shown(result) { showResult(result, true); }
    var options = {
      url: widgetUrl, mode: mode, container: host, className: "widget-frame",
      title: host.getAttribute("data-frame-title"), popupName: host.getAttribute("data-popup-name"),
      onEvent: function (message) {
        var entry = {received: new Date().toISOString(), data: message};
        entries.push(entry);
        saveLog(key, entries);
        add(entry);
      },
      onSuccess: shown, onExit: shown,
      onError: function (result) {
        if (result.error === "popup_blocked") {
          document.getElementById("popup-blocked").hidden = false;
        } else {
          shown(result);
        }
      }
    };

    if (mode === "iframe") {
      // Back from a REDIRECT bank (aspsp_callback_uri), or the first time: the same frame.
      if (!window.Passerelle.resume(options)) window.Passerelle.open(options);
    } else if (mode === "popup") {
      var handle = null;
      host.querySelector(".needs-script").hidden = false;
      document.getElementById("open-popup").addEventListener("click", function () {
        document.getElementById("popup-blocked").hidden = true;
        if (handle) handle.close();
        handle = window.Passerelle.open(options);
      });
    }
  }

  // The return page, loaded in the popup at the end: the opener's page shows the result too.
  function startPopupNote(note) {
    if (!window.opener || window.opener === window || window.parent !== window) return;
    note.hidden = false;
    document.getElementById("close-popup").addEventListener("click", function () {
      window.close();
    });
  }

  // The home page's connections: htmx swaps their list while it polls (or after a sync); the
  // summary it carries goes to a live region only when it changed, so nothing is said twice
  // and focus never moves.
  function startConnections() {
    var live = document.getElementById("connections-live");
    var list = document.getElementById("connections-list");
    if (!live || !list) return;
    var said = list.getAttribute("data-live") || "";
    document.addEventListener("htmx:afterSettle", function () {
      var current = document.getElementById("connections-list");
      var text = current ? current.getAttribute("data-live") || "" : "";
      if (!current || text === said) return;
      said = text;
      live.textContent = text;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startConnections();
    var host = document.getElementById("widget-host");
    if (host) startHost(host);
    var note = document.getElementById("popup-note");
    if (note) startPopupNote(note);
  });
})();
