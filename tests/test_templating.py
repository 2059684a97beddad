"""Templates read the environment's globals themselves (widget/templating.py)."""
import pytest


def test_a_template_reads_the_environments_globals(app):
    template = app.jinja_env.get_template("widget/screens/_provider_count.html")
    assert template.globals is app.jinja_env.globals


def test_a_global_added_after_a_template_was_loaded_reaches_it(app):
    template = app.jinja_env.from_string("{{ late_global() }}")
    app.jinja_env.globals["late_global"] = lambda: "here"
    assert template.render() == "here"


def test_an_include_sees_the_globals_and_the_includers_variables(app):
    with app.test_request_context():
        page = app.jinja_env.from_string(
            "{% set total = 3 %}{% include 'widget/screens/_provider_count.html' %}")
        # ngettext is a global; French by default
        assert page.render(capped=False).strip() == "3 banques"


@pytest.mark.parametrize("load", [
    lambda env: env.get_template("widget/screens/_provider_count.html", globals={"x": 1}),
    lambda env: env.select_template(["widget/screens/_provider_count.html"], globals={"x": 1}),
    lambda env: env.from_string("{{ x }}", globals={"x": 1}),
])
def test_globals_of_ones_own_are_refused_loaded_or_not(app, load):
    app.jinja_env.get_template("widget/screens/_provider_count.html")  # cached already
    with pytest.raises(ValueError):
        load(app.jinja_env)
    assert "x" not in app.jinja_env.globals
