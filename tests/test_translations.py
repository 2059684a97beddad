"""Every user-visible string is translated in each of the seven languages, and the catalogues are
current."""
import glob
import io
import os
import re
import subprocess
import sys

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from widget.config import LANGUAGES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRACED = re.compile(r"\{\w*\}")
PERCENT = re.compile(r"%\(\w+\)[sd]")
CATALOGUES = sorted(glob.glob(os.path.join(ROOT, "translations", "*", "LC_MESSAGES", "messages.po")))


def _language(path):
    return path.split(os.sep)[-3]


def test_the_seven_languages_exist():
    assert {_language(p) for p in CATALOGUES} == {"fr", "en", "de", "es", "it", "nl", "pt"}
    assert {_language(p) for p in CATALOGUES} == set(LANGUAGES)


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
def test_plural_forms_are_the_languages_and_every_plural_has_them_all(path):
    """The header's rule is CLDR's (babel's) for the language: French counts 0 as one, the others
    do not; European Portuguese is `pt` (Brazil's `pt_BR` would count 0 as one)."""
    with open(path, "rb") as fh:
        catalogue = read_po(fh)
    expected = Catalog(locale=_language(path))
    assert catalogue.plural_forms == expected.plural_forms
    assert str(catalogue.locale) == _language(path)
    plurals = [m for m in catalogue if m.id and m.pluralizable]
    assert plurals, "no plural entry: the check below would prove nothing"
    for message in plurals:
        assert len(message.string) == catalogue.num_plurals, message.id
        assert all(message.string), message.id


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
def test_placeholders_are_kept(path):
    """babel's checkers: the same %(name)s placeholders in every msgstr as in its msgid."""
    with open(path, "rb") as fh:
        catalogue = read_po(fh)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not problems, problems[:5]
    for message in catalogue:
        if message.id and isinstance(message.string, str):
            assert sorted(BRACED.findall(message.string)) == sorted(BRACED.findall(message.id)), \
                message.id


@pytest.mark.parametrize("path", [p for p in CATALOGUES if _language(p) != "en"], ids=_language)
def test_no_sentence_is_left_in_english(path):
    """A copied English msgstr passes the completeness check: words such as "Widget" or "Status"
    may be the same, a sentence may not."""
    with open(path, "rb") as fh:
        catalogue = read_po(fh)
    copied = [m.id for m in catalogue if m.id and isinstance(m.id, str) and m.string == m.id
              and len(BRACED.sub("", PERCENT.sub("", m.id)).split()) > 2]
    assert not copied, copied[:5]


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
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


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
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


@pytest.mark.parametrize("path", CATALOGUES, ids=_language)
def test_compiled_catalogue_is_tracked_by_git(path):
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", path[:-3] + ".mo"], cwd=ROOT,
                             capture_output=True)
    if tracked.returncode == 128 and b"not a git repository" in tracked.stderr:
        pytest.skip("not a git checkout")
    assert tracked.returncode == 0, "the .mo must be committed (and not ignored by git)"
