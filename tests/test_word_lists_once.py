"""Each word list is written once, in etl/lexicon.toml (issue 21).

Every module under etl/ and dashboard/ is parsed (not imported). A list, set or tuple of
strings, or a regular expression's alternation ('无|/|—') or character class ('[—/-]'), that
holds two or more words of one of the lexicon's lists (placeholders, operators, level names, grades)
is a second copy of that list: the module must read the lexicon (etl/lexicon.py) instead.
"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEXICON = tomllib.loads((ROOT / "etl" / "lexicon.toml").read_text(encoding="utf-8"))
# The program's own names for the operators (what a parsed Measure carries), not printed words; a
# digit is no word ('0' is a placeholder value, and in every number).
NOT_WORDS = {">=", "<=", ">", "<", "=", "==", "0"}
# What the generated sample corpus and the rules' example filings write is what filers write, chosen
# apart from what the parser knows: filings written from the lexicon would only test it against itself.
WRITES_FILINGS = ("etl/sample/", "etl/check/examples.py")
# (module, list) pairs that hold the lexicon's characters for another reason, each said.
ALLOWED = {
    ("etl/parse/meta.py", "placeholders"): "dashes that join a code to a name ('123-某局') or two months",
}


def _lists() -> dict[str, frozenset[str]]:
    ph, ops, lv = LEXICON["placeholders"], LEXICON["operators"], LEXICON["levels"]
    words = {
        "placeholders": {*ph["empty_cell"], *ph["reason"], *ph["value"], *ph["blank_marks"]},
        "operators": {w for w, _ in ops["prefix"]} | {w for w, _ in ops["suffix"]} | {a for a, _ in ops["fold"]},
        "level names": set(lv["level1"]),
        "grade words": set(LEXICON["grades"]["printed"]),
    }
    return {name: frozenset(w for w in ws if w and w not in NOT_WORDS) for name, ws in words.items()}


LISTS = _lists()
SINGLE_CHARS = {name: frozenset(w for w in ws if len(w) == 1) for name, ws in LISTS.items()}
MODULES = sorted(p for d in ("etl", "dashboard") for p in (ROOT / d).rglob("*.py")
                 if p.name != "lexicon.py" and not str(p.relative_to(ROOT)).startswith(WRITES_FILINGS))

_CLASS = re.compile(r"(?<!\\)\[\^?((?:\\.|[^\]\\])+)\]")
_ALT_SPLIT = re.compile(r"(?<!\\)[|()]")


def _regex_hits(text: str) -> list[tuple[str, set[str]]]:
    """(list name, the lexicon words found) for a string read as a regular expression."""
    out = []
    classes = [re.sub(r"\\(.)", r"\1", c) for c in _CLASS.findall(text)]
    without_classes = _CLASS.sub("", text)
    alternatives = {re.sub(r"\\(.)", r"\1", a).strip("^$?*+") for a in _ALT_SPLIT.split(without_classes)} \
        if "|" in without_classes else set()
    for name, words in LISTS.items():
        found = alternatives & words
        if len(found) >= 3 or len(found) == 2 and any(len(w) > 1 for w in found):  # '(年|-|/)' is a date
            out.append((name, found))
        for chars in classes:
            found = set(chars) & SINGLE_CHARS[name]
            if len(found) >= 3:  # '[-/.]' in a date is no placeholder list; three marks are
                out.append((name, found))
    return out


def _filers_words(found: set[str]) -> bool:
    """ASCII alone ('--', 'none', 'null') is a command line's or a data format's, not a filing's word list."""
    return any(not w.isascii() for w in found)


def copies_in(source: str) -> list[tuple[int, str, set[str]]]:
    """(line, list name, words) for every literal copy of a lexicon word list in a module's source."""
    return [c for c in _copies_in(source) if _filers_words(c[2])]


def _copies_in(source: str) -> list[tuple[int, str, set[str]]]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.List, ast.Set, ast.Tuple)):
            strings = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            for name, words in LISTS.items():
                if len(strings & words) >= 2:
                    out.append((node.lineno, name, strings & words))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out += [(node.lineno, name, found) for name, found in _regex_hits(node.value)]
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_word_list_outside_the_lexicon(path):
    rel = str(path.relative_to(ROOT))
    found = [c for c in copies_in(path.read_text(encoding="utf-8")) if (rel, c[1]) not in ALLOWED]
    assert not found, "; ".join(f"{path.relative_to(ROOT)}:{line}: {name} {sorted(words)}"
                                for line, name, words in found)


@pytest.mark.parametrize("source", [
    'EMPTY = ("—", "-", "/")',  # the money reader's blanks, as etl/parse/budget.py once had them
    'x = v.strip() not in {"无", "暂无"}',
    'OPS = ["≥", "≤", "不低于"]',
    'm = re.fullmatch(r"\\d+|[—\\-/－]", s)',  # a character class of blank marks
    'R = re.compile(r"^(不低于|不少于)\\d")',  # an alternation of operator words
    'LEVELS = ["产出指标", "效益指标"]',
    'GRADES = ("优", "良", "中", "差")',  # as etl/parse/totals.py once had them
])
def test_a_copy_is_found(source):
    assert copies_in(source)


@pytest.mark.parametrize("source", [
    'DATE = re.compile(r"\\d{4}[-/.]\\d{1,2}")',  # two marks in a date are no list
    'SYMBOL = {">=": "≥", "<=": "≤"}',  # how a canonical operator is printed: a mapping, not a word list
    'x = ("产出指标",)',
    'DATE = re.compile(r"^(19|20)\\d{2}(年|-|/)")',  # two marks in an alternation either
    'OPS = (">=", "<=", ">", "<")',  # the program's own operator names
    'MISSING = {"None", "none", "null", ""}',  # how JSON and pandas spell a missing value
    'ARGS = ["--server.headless", "true", "--", "none"]',  # a command line
])
def test_what_is_no_copy(source):
    assert not copies_in(source)
