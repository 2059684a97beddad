"""The playground's cookie sessions (Flask-Session), opened for the playground's pages only.

Flask opens the app's session on every request: with Flask-Session that was a lookup of the
cookie and a new session id from the OS's random source on each widget request, poll and
in-process upstream call, none of which has a cookie session (the widget sets no cookie). The
rest of the app gets Flask's null session: reading it finds nothing, writing to it fails.
"""
from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin


def is_playground_page(path: str) -> bool:
    return path == "/" or path == "/playground" or path.startswith("/playground/")


class PlaygroundSessions(SessionInterface):
    """`inner` (Flask-Session's interface) for the playground's paths; none elsewhere."""

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if is_playground_page(request.path):
            return self.inner.open_session(app, request)
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not self.is_null_session(session):
            self.inner.save_session(app, session, response)
