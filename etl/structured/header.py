"""Find the header of a structured export and name its columns by the lexicon's aliases.

The header may stand on any of the first rows (titles, notes and a unit line come first) and may take
two rows: a merged cell 三级指标 over 代码 | 名称 names the columns 三级指标代码 and 三级指标名称.
Aliases live in etl/lexicon.toml [structured.columns]; a header cell is folded (NFKC, no white space,
ASCII brackets, lower case, a leading * of a required-field mark dropped) before it is looked up.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from etl.lexicon import LEXICON_FILE

# fields that make a row an indicator row, and fields that say whose filing it is
INDICATOR_FIELDS = ("name", "indicator_code")
IDENTITY_FIELDS = ("div_code", "div_name", "department_code", "department", "unit_code", "unit", "project_code",
                   "project")
# fields read as text that must never become numbers
CODE_FIELDS = ("div_code", "department_code", "unit_code", "project_code", "level1_code", "level2_code",
               "indicator_code")
# the fields of a filing (repeated on each of its rows, or given once on its first)
FILING_FIELDS = ("title", "budget_initial", "budget_adjusted", "budget_executed", "budget_fiscal", "budget_other",
                 "budget_carryover", "exec_rate", "exec_weight", "exec_score", "total_weight", "total_score", "grade",
                 "amount_unit", "goal", "goal_expected", "goal_actual", "function", "spending_plan")
# what marks a self-evaluation export (when the file has no 表类型 column)
EVAL_FIELDS = ("actual", "score", "reason", "improvement", "total_score", "grade", "budget_executed")


@dataclass(frozen=True)
class Vocabulary:
    aliases: dict[str, str]  # folded header -> field
    first: dict[str, str]  # field -> the wording the exporter writes
    signs: dict[str, str]  # folded sign -> '>=', ..., 'qualitative' or '' (quantitative, no operator)
    kinds: dict[str, str]  # folded 表类型 -> doc_kind
    header_rows: int
    min_fields: int
    code_fields: tuple[str, ...]


def fold_header(text) -> str:
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s).lstrip("*＊").lower()
    return s.replace("【", "[").replace("】", "]")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = tomllib.loads(LEXICON_FILE.read_text(encoding="utf-8"))["structured"]
    aliases: dict[str, str] = {}
    first: dict[str, str] = {}
    for fld, words in data["columns"].items():
        first[fld] = words[0]
        for w in words:
            key = fold_header(w)
            assert key not in aliases or aliases[key] == fld, f"lexicon: header {w} names two fields"
            aliases[key] = fld
    return Vocabulary(
        aliases=aliases, first=first,
        signs={fold_header(k): v for k, v in data["signs"].items()},
        kinds={fold_header(k): v for k, v in data["kinds"].items()},
        header_rows=int(data["header_rows"]), min_fields=int(data["min_fields"]),
        code_fields=tuple(data["code_fields"]),
    )


_UNIT_SUFFIX = re.compile(r"\((万元|元|分|%|个|人)\)$")


def field_of(text) -> str | None:
    """The field a header cell names, or None."""
    if text is None or text == "":
        return None
    v = vocabulary()
    key = fold_header(text)
    got = v.aliases.get(key)
    if got is None and _UNIT_SUFFIX.search(key):
        got = v.aliases.get(_UNIT_SUFFIX.sub("", key))
    return got


@dataclass
class Header:
    row: int  # 1-based sheet row of the header's last row (data start below it)
    rows: int  # 1 or 2
    columns: dict[str, int]  # field -> 0-based column
    labels: dict[int, str] = field(default_factory=dict)  # 0-based column -> header text as printed
    unknown: list[str] = field(default_factory=list)  # header cells no alias names

    def has(self, *fields: str) -> bool:
        return any(f in self.columns for f in fields)

    def good_enough(self) -> bool:
        v = vocabulary()
        return (len(self.columns) >= v.min_fields and self.has(*INDICATOR_FIELDS) and self.has(*v.code_fields))


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _spread(row: list, merged: list[tuple[int, int, int, int]], r: int) -> list[str]:
    """A header row's texts with each horizontally merged cell's text over every column it covers."""
    out = [_text(v) for v in row]
    for r0, c0, r1, c1 in merged:
        if r0 <= r <= r1 and c1 > c0 and c0 < len(out):
            top = out[c0] if r == r0 else ""
            for c in range(c0 + 1, min(c1 + 1, len(out))):
                if not out[c]:
                    out[c] = top
    return out


def _vertical(merged, r: int) -> set[int]:
    """Columns whose header cell at row r is merged down into row r + 1 (a one-row field in a two-row header)."""
    return {c for r0, c0, r1, c1 in merged if r0 <= r < r1 for c in range(c0, c1 + 1)}


def _name(labels: dict[int, str]) -> tuple[dict[str, int], list[str]]:
    cols: dict[str, int] = {}
    unknown = []
    for c, text in sorted(labels.items()):
        if not text:
            continue
        fld = field_of(text)
        if fld is None:
            unknown.append(text)
        elif fld not in cols:  # the first column of a field wins (a repeated header is data)
            cols[fld] = c
    return cols, unknown


def find_header(top: list[list], merged: list[tuple[int, int, int, int]]) -> Header | None:
    """The best header among the first rows (one row, or two rows read together), or None."""
    best: Header | None = None
    spread = [_spread(row, merged, r) for r, row in enumerate(top)]
    for r, texts in enumerate(spread):
        cands = [({c: t for c, t in enumerate(texts)}, 1)]
        if r + 1 < len(spread):
            below = spread[r + 1]
            down = _vertical(merged, r)
            joined = {}
            for c in range(max(len(texts), len(below))):
                parent = texts[c] if c < len(texts) else ""
                child = below[c] if c < len(below) and c not in down else ""
                joined[c] = parent + child if parent and child and field_of(parent + child) else (child or parent)
            cands.append((joined, 2))
        for labels, n in cands:
            cols, unknown = _name(labels)
            h = Header(row=r + n, rows=n, columns=cols, labels={c: t for c, t in labels.items() if t}, unknown=unknown)
            if best is None or _rank(h) > _rank(best):
                best = h
    return best


def _rank(h: Header) -> tuple:
    # a header names the indicator and a code; then the more fields the better; one row before two
    return (h.has(*INDICATOR_FIELDS) and h.has(*vocabulary().code_fields), len(h.columns), -h.rows)


def column_letter(c: int) -> str:
    """0-based column -> A, B, …, Z, AA, …"""
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s
