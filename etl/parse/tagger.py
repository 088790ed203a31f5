"""A learned cutter and role tagger for indicator text that lost its separators.

A linear-chain CRF (python-crfsuite) labels every character of a glued piece
with a B/I tag of its role: level1, level2, name, target, actual, weight,
score, reason, or other (page markers, header words, noise). Where one role's
B tag is likely, a cell probably starts; the marginal probability of each tag
at each character says how likely a cut-out piece is to be a cell of each role.

The decoder (etl/parse/decode.py) uses both as evidence, not as a second parser:
the tagger's likely boundaries become extra cut points of the glued-text
lattice, and a piece's cost under a label grows by the tagger's surprise
(-log of the marginals of its characters' tags), weighted by a named
DecodeSettings field. The decoder's own costs and the glued row's arithmetic
still decide.

Features come from the lexicon (etl/lexicon.toml): level names, header words,
units, operators, placeholders, value and description cues; plus the
character, its neighbours, its class (digit, CJK, operator, …), the length of
the digit run it sits in and its position in the line. No file's wording is in
the code; what was learned is in the model file (`jixiao train cells`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pycrfsuite

from etl.lexicon import lexicon

ROLES = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason", "other")
TAGS = tuple(f"{bi}-{r}" for r in ROLES for bi in ("B", "I"))
MODEL_FILE = Path(__file__).resolve().parents[1] / "models" / "cells.crfsuite"
_FLOOR = 1e-4  # a marginal below this counts as this (a tag the model never saw is not impossible)

_state: dict = {"path": MODEL_FILE, "tagger": None, "loaded": False}


# ---------------------------------------------------------------- features

def _cls(ch: str) -> str:
    if ch.isdigit():
        return "d"
    if ch in _op_chars():
        return "o"
    if ch in "%％‰":
        return "%"
    if ch == ".":
        return "."
    if ch.isspace():
        return "s"
    if "\u4e00" <= ch <= "\u9fff":
        return "c"
    if ch.isascii() and ch.isalpha():
        return "l"
    if ch in "（(":
        return "("
    if ch in ")）":
        return ")"
    if ch in "、，。；：,;:":
        return "p"
    return "x"


@lru_cache(maxsize=1)
def _op_chars() -> frozenset[str]:
    return frozenset(lexicon().operator_chars)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted({w for w in words if w}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _vocab() -> tuple[tuple[str, re.Pattern], ...]:
    """Lexicon word lists whose occurrences mark characters (leftmost-longest matches)."""
    lx = lexicon()
    units = set(lx.unit_words) | set(lx.unit_aliases)
    return (
        ("L1", re.compile(_alt(lx.level1_names))),
        ("L2", re.compile(_alt(lx.level2_words))),
        ("HD", re.compile(_alt(lx.header_words))),
        ("UN", re.compile(_alt(units))),
        ("VC", re.compile(_alt(lx.tagger_value_cues))),
        ("DC", re.compile(_alt(lx.description_cues))),
        ("PH", re.compile(rf"指标\s*\d{{1,2}}\s*[:：]?|{_alt(lx.elided_marks)}")),  # '指标3:', an elided name
        ("SC", re.compile(r"[（(]\d+(?:\.\d+)?分[)）]")),  # a level's score part: (50分)
        ("PM", re.compile(r"(?:^|(?<=\n))\d{1,2}、")),  # a page marker at a line's start
    )


def features(text: str) -> list[list[str]]:
    """The feature strings of every character of `text` (what the CRF sees)."""
    n = len(text)
    cls = [_cls(c) for c in text]
    marks: list[list[str]] = [[] for _ in range(n)]
    for name, pat in _vocab():
        for m in pat.finditer(text):
            a, b = m.start(), m.end()
            if b <= a:
                continue
            marks[a].append(f"{name}B")
            for i in range(a + 1, b):
                marks[i].append(f"{name}I")
            if b < n:
                marks[b].append(f"{name}>")  # the character right after the word
            if a > 0:
                marks[a - 1].append(f"{name}<")
    # digit runs: their length and the character's place in them ('1010' is 10 | 10 more often than not)
    run_len = [0] * n
    run_pos = [0] * n
    i = 0
    while i < n:
        if cls[i] == "d":
            j = i
            while j < n and (cls[j] == "d" or (cls[j] == "." and j + 1 < n and cls[j + 1] == "d")):
                j += 1
            for k in range(i, j):
                run_len[k], run_pos[k] = j - i, k - i
            i = j
        else:
            i += 1
    out = []
    for i, ch in enumerate(text):
        p = text[i - 1] if i > 0 else "^"
        q = text[i + 1] if i + 1 < n else "$"
        pc = cls[i - 1] if i > 0 else "^"
        qc = cls[i + 1] if i + 1 < n else "$"
        p2 = cls[i - 2] if i > 1 else "^"
        q2 = cls[i + 2] if i + 2 < n else "$"
        f = [
            "b", f"c={ch}", f"p={p}", f"q={q}", f"pc={p}{ch}", f"cq={ch}{q}",
            f"k={cls[i]}", f"kp={pc}{cls[i]}", f"kq={cls[i]}{qc}", f"k5={p2}{pc}{cls[i]}{qc}{q2}",
        ]
        if run_len[i]:
            f.append(f"rl={min(run_len[i], 6)}")
            f.append(f"rp={min(run_pos[i], 5)}")
            f.append(f"re={min(run_len[i] - run_pos[i] - 1, 5)}")
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        f.extend(marks[i])
        out.append(f)
    return out


# ---------------------------------------------------------------- the model

def use_model(path: Path | str | None) -> None:
    """Read tags with the model at `path` from now on (None: no tagger). The default is the committed
    model file; a leave-one-file-out run swaps in a model trained without one file."""
    _state.update(path=Path(path) if path else None, tagger=None, loaded=False, generation=generation() + 1)
    marginals.cache_clear()
    tagged.cache_clear()


def generation() -> int:
    """Which model reads the tags: changes whenever `use_model` swaps it (a key for caches of what it read)."""
    return _state.get("generation", 0)


def _tagger():
    if not _state["loaded"]:
        _state["loaded"] = True
        path = _state["path"]
        if path is not None and Path(path).exists():
            t = pycrfsuite.Tagger()
            t.open(str(path))
            _state["tagger"] = t
    return _state["tagger"]


def available() -> bool:
    return _tagger() is not None


@lru_cache(maxsize=4096)
def marginals(text: str) -> tuple[tuple[float, ...], ...] | None:
    """Per character, the probability of every tag in TAGS order (None without a model)."""
    t = _tagger()
    if t is None or not text:
        return None
    t.set(features(text))
    labels = set(t.labels())
    return tuple(tuple(t.marginal(tag, i) if tag in labels else 0.0 for tag in TAGS) for i in range(len(text)))


class Tagged:
    """One glued piece as the tagger read it: likely boundaries and the surprise of any cell under a role."""

    def __init__(self, text: str, probs: tuple[tuple[float, ...], ...]):
        self.text = text
        p = np.asarray(probs, dtype=float).reshape(len(text), len(TAGS))
        surprise = -np.log(np.maximum(p, _FLOOR))
        self.begin = p[:, 0::2].sum(axis=1).tolist()
        # surprise of a B tag at i, and cumulative surprise of I tags, per role
        self.b_cost = surprise[:, 0::2].tolist()
        cum = np.zeros((len(text) + 1, len(ROLES)))
        np.cumsum(surprise[:, 1::2], axis=0, out=cum[1:])
        self.i_cum = cum.tolist()
        other = ROLE_INDEX["other"]
        self.other_cum = np.concatenate(([0.0], np.cumsum(p[:, 2 * other] + p[:, 2 * other + 1]))).tolist()

    def boundaries(self, threshold: float) -> set[int]:
        """Where a new cell probably starts (the B tags' summed probability above `threshold`)."""
        return {i for i, p in enumerate(self.begin) if i > 0 and p >= threshold}

    def cost(self, a: int, b: int, role: int, continued: bool = False) -> float:
        """Surprise of text[a:b] as one cell of ROLES[role] (`continued`: the rest of a cell begun before)."""
        if b <= a:
            return 0.0
        first = self.i_cum[a + 1][role] - self.i_cum[a][role] if continued else self.b_cost[a][role]
        return first + self.i_cum[b][role] - self.i_cum[a + 1][role]

    def cost_any(self, a: int, b: int) -> float:
        """The least surprise of text[a:b] as one cell of any role."""
        return min(self.cost(a, b, r) for r in range(len(ROLES)))

    def other_share(self, a: int, b: int) -> float:
        """Mean probability that the characters of text[a:b] belong to no cell (page marker, header, total)."""
        return (self.other_cum[b] - self.other_cum[a]) / (b - a) if b > a else 0.0


@lru_cache(maxsize=4096)  # a table's glued pieces are read under several orders, and by the stream first
def tagged(text: str) -> Tagged | None:
    probs = marginals(text)
    return Tagged(text, probs) if probs is not None else None


ROLE_INDEX = {r: k for k, r in enumerate(ROLES)}
# the decoder's columns read as the tagger's roles (the rest of a template's columns are 'other')
DECODER_ROLE = {"level1": "level1", "level2": "level2", "name": "name", "name_more": "name",
                "target": "target", "adjusted_target": "target", "actual": "actual", "weight": "weight",
                "score": "score", "reason": "reason"}
