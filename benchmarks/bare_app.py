"""The benchmarks' baseline: a bare Flask page under the same gunicorn settings as the widget.

No session store, no upstream, no i18n: a Jinja fragment the size of the widget's syncing
screen's answer, so the ratio widget/bare is what the widget itself costs.
"""
from flask import Flask, render_template, request

app = Flask(__name__)


@app.get("/")
def home():
    """A plain page (the recovery check asks for it)."""
    return render_template("bare_wait.html", step=0, steps_total=0, accounts=0)


@app.get("/wait")
def wait():
    """What a poll gets: the progress fragment."""
    return render_template("bare_wait.html", step=2, steps_total=5, accounts=1)


@app.get("/page")
def page():
    """A Jinja page of about `bytes` bytes (the size of the widget page it stands beside)."""
    wanted = min(max(int(request.args.get("bytes", 4000)), 0), 1_000_000)
    return render_template("bare_page.html", rows=max(1, (wanted - 200) // 125))
