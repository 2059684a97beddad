# Self-hosting image: the same install (the lock) and the same command (the Procfile's web
# line) as a PaaS. Build: docker build -t passerelle .   Run: see README.md, "Deploy".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=5000

WORKDIR /app
# The lock alone first, so a code change does not reinstall every package.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The app writes only to instance/ (generated secret key, sandbox database, filesystem sessions,
# built static files) and to its home (gunicorn's control socket); the compiled catalogues are
# in the tree.
RUN useradd --system --uid 10001 --create-home passerelle \
    && mkdir -p instance && chown passerelle instance
USER passerelle

EXPOSE 5000
# /healthz answers without I/O: the process serves. (slim has no curl; Python is here.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '5000'), timeout=4)"]

# bash, like the PaaS that run the Procfile: it replaces itself with gunicorn, which so gets
# `docker stop`'s SIGTERM and drains (Debian's sh would not exec). gunicorn.conf.py reads PORT.
SHELL ["/bin/bash", "-c"]
CMD gunicorn --config gunicorn.conf.py app:app
