"""The aggregator's terms of service: one current version, in each language of the sandbox."""
from widget.sandbox.texts import texts_in

CURRENT_VERSION = "2026-01"
CURRENT_DATE = "2026-01-15T00:00:00.000Z"


def current_terms(locale):
    """The current terms in `locale` (French when the sandbox does not speak it)."""
    terms = texts_in(locale)["terms"]
    return {"version": CURRENT_VERSION, "title": terms["title"],
            "content": "\n\n".join(terms["paragraphs"]), "date": CURRENT_DATE}
