"""A Client's own web page on another origin (another port), using only static/passerelle.js
from the widget's server: what an integrator writes from the README's "Embedding" section.

`/host.html?url=<widget link>&mode=<mode>` has a button opening the widget with
`Passerelle.open`; on load it calls `Passerelle.resume`, so it is also the session's
`aspsp_callback_uri`. What the SDK reports goes to `window.calls` as `[callback, payload]`; every
message the page receives, from anywhere, goes to `window.seen` (`mine`: from the SDK's window).
With `throw=1`, the page's onEvent throws after noting each message. `/return.html` is the
redirect URL.
"""
from werkzeug.wrappers import Request, Response

from tests.live_server import LiveServer

HOST_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Client page</title>
<script src="%(widget)s/static/passerelle.js"></script>
<script src="/client.js"></script></head>
<body><h1>Client page</h1>
<button type="button" id="go">Connect a bank</button>
<div id="widget"></div></body></html>
"""

CLIENT_JS = """
window.calls = [];
window.seen = [];
window.handle = null;
function record(name) {
  return function (payload) { window.calls.push([name, payload]); };
}
var throwing = new URLSearchParams(window.location.search).get("throw") === "1";
function onEvent(message) {
  window.calls.push(["onEvent", message]);
  if (throwing) throw new Error("a bug in the Client's onEvent");
}
function options(url, mode) {
  return {url: url, mode: mode, container: "#widget", title: "Bank connection",
          onEvent: onEvent, onSuccess: record("onSuccess"),
          onExit: record("onExit"), onError: record("onError")};
}
window.addEventListener("message", function (event) {
  var mine = Boolean(window.handle) && event.source === window.handle.window;
  window.seen.push({origin: event.origin, data: event.data, mine: mine});
});
document.addEventListener("DOMContentLoaded", function () {
  var query = new URLSearchParams(window.location.search);
  window.handle = Passerelle.resume(options(null, "iframe"));
  window.resumed = window.handle ? window.handle.resumed : null;
  document.getElementById("go").addEventListener("click", function () {
    window.handle = Passerelle.open(options(query.get("url"), query.get("mode")));
  });
});
"""

RETURN_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back</title></head>
<body><h1>Back on the Client's page</h1></body></html>
"""


def client_app(widget_url):
    """The Client's pages, loading the SDK from the widget at `widget_url`."""
    pages = {"/host.html": ("text/html", HOST_HTML % {"widget": widget_url}),
             "/client.js": ("text/javascript", CLIENT_JS),
             "/return.html": ("text/html", RETURN_HTML)}

    @Request.application
    def serve(request):
        if request.path not in pages:
            return Response("not found", status=404)
        content_type, body = pages[request.path]
        return Response(body, content_type=content_type + "; charset=utf-8")

    return serve


def client_server(widget_url):
    """The Client's pages served on loopback, on a port of their own (started)."""
    return LiveServer(client_app(widget_url)).start()
