"""Request bodies in JSON: a body nested too deeply is a bad request, not a crash."""
from flask.json.provider import DefaultJSONProvider


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body too deep for the parser is invalid JSON.

    Python's parser recurses once per nesting level: 50,000 `[` raise RecursionError, which
    is not a ValueError, so `request.get_json()` would let it through as a 500. As a
    ValueError it becomes the 400 (or the `silent=True` None) of any other unreadable body.
    """

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON body is nested too deeply") from None


def init_app(app):
    app.json = BoundedJSONProvider(app)
