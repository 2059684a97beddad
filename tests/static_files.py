"""The static files a page links to, as URLs in its HTML and as the tree's files they stand for."""
import os
import re

from widget import ROOT as ROOT_FOLDER
from widget.assets import served_form

ASSET_URL = re.compile(r'(?:<link rel="stylesheet" href|<script src)="(/[^"]*static/[^"]+)"')
IMMUTABLE = "public, max-age=31536000, immutable"


def source_of(url):
    """What a (hashed or plain) static URL serves: the tree's file it stands for, in the form
    served (our stylesheets and scripts without their comments: widget/assets.served_form)."""
    folder, name = (("widget/sandbox/static", url.removeprefix("/sandbox/static/"))
                    if url.startswith("/sandbox/") else ("static", url.removeprefix("/static/")))
    plain = re.sub(r"\.[0-9a-f]{12}(\.[a-z]+)$", r"\1", name)
    with open(os.path.join(ROOT_FOLDER, folder, plain), "rb") as fh:
        return served_form(plain, fh.read())
