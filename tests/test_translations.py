"""The French and German catalogues are complete, clean and in step with the code.

Every interface string must exist in English, French and German. These tests fail when a string
is marked for translation but missing from a catalogue, left untranslated or fuzzy, copied from
the English, or translated with different placeholders. See docs/translations.md.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import call_command
from django.utils import translation

from moselle.core.compilemessages import compile_all

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "moselle"
LOCALE_DIR = PACKAGE / "locale"
LANGUAGES = ("fr", "de")
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "de": "nplurals=2; plural=(n != 1);"}

# A translation may equal its English msgid only for these (compared case-insensitively).
# Names are the same in every language.
NAMES = {"API", "CSV", "EDIH", "English", "Deutsch", "Français", "JSON", "L-DIH", "Moselle", "PDF"}
# Words that are spelt the same in the target language and have no better translation there.
SAME_WORD = {
    "fr": {"Hub", "Organisation", "Organisations"},
    "de": {"Hub", "Organisation", "Person", "Status"},
}

# %(name)s and %s style (Python), {name} style (str.format); "%%" is a literal percent sign.
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{\w*\}")

SOURCE_SUFFIXES = {".py", ".html", ".txt"}
SKIPPED_DIRS = {"locale", "static", "__pycache__"}


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def load(lang: str) -> polib.POFile:
    path = catalogue_path(lang)
    assert path.exists(), f"{path} is missing: run makemessages (see docs/translations.md)"
    return polib.pofile(str(path))


def msgids(po: polib.POFile) -> set[str]:
    return {entry.msgid for entry in po if not entry.obsolete}


def allowed_identical(lang: str, msgid: str) -> bool:
    allowed = {word.casefold() for word in NAMES | SAME_WORD[lang]}
    return msgid.strip().casefold() in allowed


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER_RE.findall(text.replace("%%", "")))


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[key] for key in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


# --- The catalogues themselves --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_header(lang: str) -> None:
    po = load(lang)
    assert po.metadata.get("Language") == lang
    assert po.metadata.get("Plural-Forms") == PLURAL_FORMS[lang]
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "remove the '#, fuzzy' flag above the header"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated(lang: str) -> None:
    po = load(lang)
    problems = [f"obsolete entry (run makemessages --no-obsolete): {e.msgid!r}" for e in po.obsolete_entries()]
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (check the translation, then remove the flag): {entry.msgid!r}")
        if not all(text.strip() for text in translations_of(entry)):
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_translation_is_a_copy_of_the_english(lang: str) -> None:
    problems = [
        f"same as the English: {entry.msgid!r}"
        for entry in load(lang)
        if not entry.obsolete
        and not allowed_identical(lang, entry.msgid)
        and any(text.strip().casefold() == entry.msgid.strip().casefold() for text in translations_of(entry))
    ]
    assert not problems, report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang: str) -> None:
    problems = []
    for entry in load(lang):
        if entry.obsolete:
            continue
        expected = placeholders(entry.msgid)
        expected_plural = placeholders(entry.msgid_plural) if entry.msgid_plural else expected
        for text in translations_of(entry):
            found = placeholders(text)
            # A plural form may drop the number ("one file" for %(count)s), never add or rename one.
            ok = found == expected if not entry.msgid_plural else found <= (expected | expected_plural)
            if text and not ok:
                problems.append(f"{entry.msgid!r}: expected {sorted(expected)}, found {sorted(found)} in {text!r}")
    assert not problems, report(problems)


def test_both_catalogues_have_the_same_strings() -> None:
    fr, de = (msgids(load(lang)) for lang in LANGUAGES)
    assert fr == de, f"only in fr: {sorted(fr - de)}; only in de: {sorted(de - fr)}"


# --- The catalogues are in step with the code -----------------------------------------------------

PY_STRING = r"""(?P<literal>[rRuU]?(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))"""
# _("..."), gettext("..."), gettext_lazy("...") with one plain literal (no f-string, no concatenation).
PY_CALL_RE = re.compile(r"(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*" + PY_STRING + r"\s*[,)]")
# {% translate "..." %} / {% trans '...' %}, with optional filters and "as var"; not with a context.
TEMPLATE_TAG_RE = re.compile(r"""{%\s*trans(?:late)?\s+(?:"([^"]*)"|'([^']*)')(?P<rest>[^%]*)%}""")
BLOCK_RE = re.compile(
    r"{%\s*blocktrans(?:late)?(?P<args>[^%]*)%}(?P<body>.*?){%\s*endblocktrans(?:late)?\s*%}", re.DOTALL
)
BLOCK_VAR_RE = re.compile(r"{{\s*(\w+)\s*}}")


def source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and not SKIPPED_DIRS & set(relative.parts):
            yield path


def simple_msgids(path: Path) -> Iterator[str]:
    """The msgids of the simple forms in one file, as makemessages writes them."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        for match in PY_CALL_RE.finditer(text):
            value = ast.literal_eval(match["literal"])
            if isinstance(value, str) and value:
                yield value
        return
    for match in TEMPLATE_TAG_RE.finditer(text):
        if "context" not in match["rest"]:
            yield (match[1] if match[1] is not None else match[2]).replace("%", "%%")
    for match in BLOCK_RE.finditer(text):
        args, body = match["args"], match["body"]
        if re.search(r"\b(?:count|counter|context)\b", args) or "{%" in body or "{{" in BLOCK_VAR_RE.sub("", body):
            continue  # plural, context or nested tags: left to the makemessages comparison
        msgid = BLOCK_VAR_RE.sub(lambda m: f"%({m[1]})s", body.replace("%", "%%"))
        if re.search(r"\btrimmed\b", args):
            msgid = translation.trim_whitespace(msgid)
        yield msgid


def test_marked_strings_are_in_both_catalogues() -> None:
    """Runs everywhere, without GNU gettext: a regex scan for the simple forms."""
    catalogues = {lang: msgids(load(lang)) for lang in LANGUAGES}
    problems = []
    found = 0
    for path in source_files():
        for msgid in simple_msgids(path):
            found += 1
            for lang in LANGUAGES:
                if msgid not in catalogues[lang]:
                    problems.append(f"{path.relative_to(PACKAGE.parent)}: {msgid!r} is not in the {lang} catalogue")
    assert found > 100, "the scan found suspiciously few strings; is the regex still right?"
    assert not problems, report(sorted(set(problems))) + "\nRun makemessages and translate (docs/translations.md)."


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_makemessages_finds_no_new_or_stale_string(tmp_path: Path, monkeypatch: Any, settings: Any) -> None:
    """Runs Django's makemessages on a copy of the package and compares the msgids."""
    copy = tmp_path / "moselle"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=list(LANGUAGES),
        extensions=["html", "txt", "py"],
        no_obsolete=True,
        no_location=True,
        verbosity=0,
    )
    for lang in LANGUAGES:
        extracted = msgids(polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po")))
        committed = msgids(load(lang))
        assert extracted == committed, (
            f"{lang}: the catalogue is out of date; run makemessages and translate (docs/translations.md).\n"
            f"new in the code: {sorted(extracted - committed)}\n"
            f"no longer in the code: {sorted(committed - extracted)}"
        )


# --- The compiled catalogues are used at run time -------------------------------------------------


@pytest.fixture
def compiled(settings: Any) -> None:
    compile_all()
    # Re-assigning LOCALE_PATHS makes Django drop its cached catalogues and read the fresh .mo files.
    settings.LOCALE_PATHS = [LOCALE_DIR]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_are_used_at_run_time(compiled: None, lang: str) -> None:
    po = load(lang)
    for msgid in ("Hub dashboard", "Test before invest", "You joined %(organisation)s."):
        with translation.override(lang):
            translated = translation.gettext(msgid)
        assert translated != msgid
        assert translated == po.find(msgid).msgstr
    with translation.override(lang):
        message = translation.gettext("You joined %(organisation)s.") % {"organisation": "Alpha"}
    assert "Alpha" in message
