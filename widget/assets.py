"""Static files through WhiteNoise: brotli and gzip, fingerprinted names cached for a year.

A PaaS runs `pip install` and the Procfile, no build step, so every worker prepares the files
when it starts: each asset is copied into `<instance>/assets/` under a name carrying its
content's hash (`style.3f9c0a1b2d4e.css`), with its `.br` and `.gz` beside it. The names are
content-addressed, so a file already there is right and is skipped. Every file goes to a
temporary name first and is moved into place with os.replace, the compressed ones before the
plain copy: workers starting together never read a half-written file, and one that finds the
plain copy finds its variants too.
"""
import functools
import hashlib
import os
import re
import tempfile

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from widget.security import HSTS, static_file_headers

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60"  # the plain names: an old link still works, and soon sees changes
COMPRESSOR = Compressor(quiet=True)
CSS_COMMENT = re.compile(rb"/\*.*?\*/", re.S)
JS_COMMENT_LINE = re.compile(rb"^[ \t]*//[^\n]*\n", re.M)


class AssetServer(WhiteNoise):
    """WhiteNoise serving the files it is given, each URL with its own cache lifetime."""

    def __init__(self, application):
        super().__init__(application, allow_all_origins=False)
        self.extra_headers = list(static_file_headers().items())
        self.immutable_urls = set()
        self.etags = {}

    def add_asset(self, url, path, digest, immutable):
        self.etags[path] = '"%s"' % digest
        if immutable:
            self.immutable_urls.add(url)
        self.files[url] = self.get_static_file(path, url)

    def add_cache_headers(self, headers, path, url):
        headers["Cache-Control"] = IMMUTABLE if url in self.immutable_urls else SHORT
        # From the content, not the file's date: the same on every worker and every machine.
        headers["ETag"] = self.etags[path]

    def serve(self, static_file, environ, start_response):
        # Wrapping start_response, not WhiteNoise's add_headers_function: that one does not
        # reach its 304 and 405 answers, and the headers of section 9 go on every response.
        def start_with_security_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            extra = [(name, value) for name, value in self.extra_headers
                     if name.lower() not in present]
            if environ.get("wsgi.url_scheme") == "https":
                extra.append(("Strict-Transport-Security", HSTS))
            return start_response(status, headers + extra, exc_info)

        return super().serve(static_file, environ, start_with_security_headers)


def init_app(app):
    """Serve every static folder of `app` (its own, its blueprints') from built, hashed files."""
    server = AssetServer(app.wsgi_app)
    hashed_names = {}
    for endpoint, url_prefix, folder in static_folders(app):
        target = os.path.join(app.instance_path, "assets", *url_prefix.strip("/").split("/"))
        names = hashed_names[endpoint] = {}
        for name in source_files(folder):
            with open(os.path.join(folder, name), "rb") as fh:
                data = served_form(name, fh.read())
            digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
            names[name] = hashed_name(name, digest)
            built = os.path.join(target, *names[name].split("/"))
            build(built, data)
            server.add_asset(url_prefix + names[name], built, digest, immutable=True)
            server.add_asset(url_prefix + name, built, digest, immutable=False)
    app.wsgi_app = server

    @app.url_defaults
    def fingerprinted_filename(endpoint, values):
        """`url_for('static', filename='style.css')` names the hashed copy."""
        names = hashed_names.get(endpoint)
        if names and values.get("filename") in names:
            values["filename"] = names[values["filename"]]


def static_folders(app):
    """(endpoint, URL prefix, folder) of the app's static route and each blueprint's."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            folder = app.static_folder
        elif rule.endpoint.endswith(".static"):
            folder = app.blueprints[rule.endpoint.rsplit(".", 1)[0]].static_folder
        else:
            continue
        if folder and os.path.isdir(folder):
            yield rule.endpoint, rule.rule.split("<", 1)[0], folder


def served_form(name, data):
    """What is served of a source file: our own stylesheets and scripts without their comments
    (a third of their bytes, even compressed: they are for whoever reads the source, and a
    first screen fetches both), anything else as it is. Only what cannot be code goes: CSS
    comments (no stylesheet here holds `/*` in a string) and JavaScript lines that are
    nothing but a `//` comment (a comment after code stays). Minified files are left alone."""
    if ".min." in name:
        return data
    if name.endswith(".css"):
        return CSS_COMMENT.sub(b"", data)
    if name.endswith(".js"):
        return JS_COMMENT_LINE.sub(b"", data)
    return data


def source_files(folder):
    """Every file under `folder`, as a relative name with forward slashes."""
    for directory, _, files in os.walk(folder):
        for file in files:
            yield os.path.relpath(os.path.join(directory, file), folder).replace(os.sep, "/")


def hashed_name(name, digest):
    """`css/style.css` -> `css/style.<digest>.css` (the extension kept for content types)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        return "%s.%s" % (name, digest)
    return "%s.%s.%s" % (stem, digest, extension)


def build(path, data):
    """Write `data` at `path` with its compressed variants, unless it is already there."""
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if COMPRESSOR.should_compress(path):
        for suffix, compressed in compressed_variants(data):
            write_atomically(path + suffix, compressed)
    write_atomically(path, data)


@functools.lru_cache(maxsize=64)
def compressed_variants(data):
    """The `.br` and `.gz` forms worth serving (kept in memory: tests build many apps)."""
    variants = []
    for suffix, compress in ((".br", COMPRESSOR.compress_brotli), (".gz", COMPRESSOR.compress_gzip)):
        compressed = compress(data)
        if COMPRESSOR.is_compressed_effectively(suffix, suffix, len(data), compressed):
            variants.append((suffix, compressed))
    return tuple(variants)


def write_atomically(path, data):
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
