"""The templates' `_()`, `gettext()` and `ngettext()` (widget/i18n.py) answer exactly what Jinja's
own newstyle gettext answers, escaping and `%` included: they only skip its indirections."""
import pytest
from flask import render_template_string
from flask_babel import force_locale
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from widget.i18n import template_translations

SOURCES = [
    '{{ _("Choose your bank") }}',
    '{{ gettext("Search for a bank") }}',
    '{{ _("Country: %(country)s", country="<b>France</b>") }}',  # a variable is escaped
    '{{ _("Service disrupted:") }} {{ _("Choose another bank") }} '  # the text is not (Markup)
    """{{ _("this bank's service is not working normally at the moment. Connecting may be slow """
    """or fail; you can still try.") }}""",
    '{{ _("100%% of %(n)s", n=3) }}',  # `%` always applies, variables or not
    '{{ _("string %(string)s", string="named like the parameter") }}',
    '{{ ngettext("%(num)d bank", "%(num)d banks", 1) }} {{ ngettext("%(num)d bank", "%(num)d banks", 7) }}',
    '{{ ngettext("%(num)s+ bank", "%(num)s+ banks", 1000, num="1,000") }}',  # num given apart
    '{% set t = _("Choose your bank") %}{{ t }}',
]


@pytest.mark.parametrize("locale", ["fr", "en", "de"])
@pytest.mark.parametrize("source", SOURCES)
def test_the_templates_gettext_answers_what_jinjas_would(app, locale, source):
    env = app.jinja_env
    jinjas = {
        "gettext": _make_new_gettext(lambda s: template_translations().ugettext(s)),
        "ngettext": _make_new_ngettext(lambda s, p, n: template_translations().ungettext(s, p, n)),
    }
    with app.test_request_context("/"), force_locale(locale):
        ours = render_template_string(source)
        kept = {name: env.globals[name] for name in ("_", "gettext", "ngettext")}
        env.globals.update(_=jinjas["gettext"], **jinjas)
        try:
            theirs = render_template_string(source)
        finally:
            env.globals.update(kept)
    assert ours == theirs
    if locale == "fr" and "Choose your bank" in source:
        assert ours == "Choisissez votre banque"  # translated, not only equal


def test_a_kept_text_follows_the_language_and_the_escaping(app):
    """Texts without variables are kept as shown (per catalogue): each language still gets its
    own, in the same request too, and a template that does not escape gets plain text."""
    source = '{{ _("Choose your bank") }}|{{ current_locale() }}'
    with app.test_request_context("/"):
        for _ in range(2):
            with force_locale("fr"):
                assert render_template_string(source) == "Choisissez votre banque|fr"
            with force_locale("en"):
                assert render_template_string(source) == "Choose your bank|en"
        # Kept as Markup for an escaping template, as plain text for one that does not (which
        # `|e` escapes: "'" as &#39;).
        apostrophe = ("this bank's service is not working normally at the moment. Connecting "
                      "may be slow or fail; you can still try.")
        both = app.jinja_env.from_string(
            '{{ _(text) }}|{% autoescape false %}{{ _(text)|e }}{% endautoescape %}')
        with force_locale("en"):
            for _ in range(2):
                shown, plain = both.render(text=apostrophe).split("|")
                assert shown == apostrophe and plain == apostrophe.replace("'", "&#39;")
