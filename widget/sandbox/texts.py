"""The sandbox's own texts, one JSON file per language in widget/sandbox/locales/: its bank
portal's pages, its terms, and the labels of credential fields and challenges.

The sandbox plays an aggregator and a bank, which word their own texts: these are not in the
widget's catalogues. A language is on in the sandbox when its file is there.
"""
import glob
import json
import os

DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locales")
DEFAULT_LANGUAGE = "fr"


def _load():
    texts = {}
    for path in sorted(glob.glob(os.path.join(DIRECTORY, "*.json"))):
        with open(path, encoding="utf-8") as fh:
            texts[os.path.basename(path)[:-len(".json")]] = json.load(fh)
    return texts


TEXTS = _load()
LANGUAGES = tuple(TEXTS)


def language_of(locale):
    """`locale` when the sandbox speaks it, else French (the default)."""
    return locale if locale in TEXTS else DEFAULT_LANGUAGE


def texts_in(locale):
    """Every text of the sandbox in `locale`, or in French when it has no such language."""
    return TEXTS[language_of(locale)]


def in_every_language(section, key):
    """{language: text} for one label, as the API gives labels: the widget picks its own."""
    return {code: texts[section][key] for code, texts in TEXTS.items()}
