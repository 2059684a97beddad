"""The API contract (docs/openapi.yaml), served as JSON at /openapi.json for tools and Clients."""
import functools
import hashlib
import json
import os

import yaml
from flask import Blueprint, Response, g, request

from widget.config import ROOT

bp = Blueprint("api_contract", __name__)
OPENAPI_YAML = os.path.join(ROOT, "docs", "openapi.yaml")
MAX_AGE = 3600  # a deployment changes it; an hour-old copy is still the right shape


@functools.cache
def openapi_json():
    """docs/openapi.yaml as JSON bytes and their ETag, read once per process."""
    with open(OPENAPI_YAML, encoding="utf-8") as fh:
        document = yaml.safe_load(fh)
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of the session API, its webhooks and its return."""
    body, etag = openapi_json()
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=%d" % MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"  # public: API tools read it anywhere
    g.cacheable = True  # nothing secret here, unlike every other page (widget/security.py)
    return response.make_conditional(request)
