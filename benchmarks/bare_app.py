"""The waiting-users benchmark's baseline: a bare Flask page under the same gunicorn settings.

No session store, no upstream, no i18n: a Jinja fragment the size of the widget's syncing
screen's answer, so the ratio widget/bare is what the widget itself costs.
"""
from flask import Flask, render_template

app = Flask(__name__)


@app.get("/")
def home():
    """A plain page (the recovery check asks for it)."""
    return render_template("bare_wait.html", step=0, steps_total=0, accounts=0)


@app.get("/wait")
def wait():
    """What a poll gets: the progress fragment."""
    return render_template("bare_wait.html", step=2, steps_total=5, accounts=1)
