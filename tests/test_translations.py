"""Every user-visible string is translated in French and English, and the catalogues are current."""
import glob
import io
import os
import subprocess
import sys

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUES = sorted(glob.glob(os.path.join(ROOT, "translations", "*", "LC_MESSAGES", "messages.po")))


def test_both_languages_exist():
    assert {os.path.basename(os.path.dirname(os.path.dirname(p))) for p in CATALOGUES} == {"fr", "en"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.split(os.sep)[-3])
def test_catalogue_is_complete(path):
    with open(path, "rb") as fh:
        catalogue = read_po(fh)
    missing = [m.id for m in catalogue if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing, "untranslated: %r" % missing[:5]
    assert not fuzzy, "fuzzy: %r" % fuzzy[:5]


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """Extract afresh: a string added to the code but not to the catalogues fails here."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-o", str(pot), "."], check=True, cwd=ROOT)
    with open(pot, "rb") as fh:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    for path in CATALOGUES:
        with open(path, "rb") as fh:
            known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
        assert not extracted - known, "%s lacks %r" % (path, sorted(extracted - known)[:5])


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.split(os.sep)[-3])
def test_compiled_catalogue_is_committed_and_current(path):
    """The .mo next to each .po is what compiling it gives: a PaaS runs no compile step."""
    with open(path, "rb") as fh:
        catalogue = read_po(fh)
    expected = io.BytesIO()
    write_mo(expected, catalogue)
    compiled = path[:-3] + ".mo"
    assert os.path.exists(compiled), "run: flask --app app translate compile, and commit the .mo"
    with open(compiled, "rb") as fh:
        assert fh.read() == expected.getvalue(), (
            "stale %s: run `flask --app app translate compile` and commit it" % compiled)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.split(os.sep)[-3])
def test_compiled_catalogue_is_tracked_by_git(path):
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", path[:-3] + ".mo"], cwd=ROOT,
                             capture_output=True)
    if tracked.returncode == 128 and b"not a git repository" in tracked.stderr:
        pytest.skip("not a git checkout")
    assert tracked.returncode == 0, "the .mo must be committed (and not ignored by git)"
