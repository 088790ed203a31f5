"""OCR's look-alikes folded back, for the parser's decisions only (never in stored text).

An OCR'd copy prints figures with letters for digits ('l00%', '12O0平方米', '≤l0O%') and units with
look-alike characters ('万兀'). Glued, such a figure is cut at every letter and its pieces read as
nonsense. The decoder cuts and prices a glued piece as if the look-alikes were what they stand for;
the cells it keeps are the printed characters (the contract stores what the copy prints).

A letter is folded to its digit (lexicon [ocr] digits) only inside a figure: in a run of digits,
letters and decimal points that holds at least one real digit. What OCR reads for an operator
('^95%', '5=99%', 'S670万元': lexicon [ocr] operators) is folded only right before such a figure and
not inside a word of letters or a figure ('ISO', '15=…'); what it reads for a unit ('50入': [ocr]
units) only right after one. Characters (lexicon [ocr] chars) are folded everywhere. The folded
text has the printed text's length, so offsets are shared.
"""
from __future__ import annotations

import re
from functools import lru_cache

from etl.lexicon import alternation, lexicon


@lru_cache(maxsize=1)
def _figure_run() -> re.Pattern:
    letters = "".join(re.escape(c) for c in lexicon().ocr_digits)
    return re.compile(rf"[\d{letters}](?:[\d{letters}]|\.(?=[\d{letters}]))*")


def _same_length(table: dict) -> dict:
    return {k: v for k, v in table.items() if len(k) == len(v)}


_WORD_NUMERALS = "〇零一二三四五六七八九十百千第"  # numerals of words, and the ordinal mark before one


@lru_cache(maxsize=1)
def _operator_before_figure() -> re.Pattern | None:
    ops = _same_length(lexicon().ocr_operators)
    if not ops:
        return None
    # not beside a numeral of words: '二0二三年' is a year written half in digits, no '=' before 0
    return re.compile(rf"(?<![A-Za-z\d.{_WORD_NUMERALS}])(?:{alternation(ops)})(?=\d)(?!\d[{_WORD_NUMERALS}])")


@lru_cache(maxsize=1)
def _unit_after_figure() -> re.Pattern | None:
    units = _same_length(lexicon().ocr_units)
    if not units:
        return None
    return re.compile(rf"(?<=\d)(?:{alternation(units)})")


@lru_cache(maxsize=1 << 14)
def fold_ocr(text: str) -> str:
    """`text` with OCR look-alikes read as what they stand for; same length as `text`."""
    lx = lexicon()
    out = text.translate(lx.ocr_chars) if lx.ocr_chars else text
    if len(out) != len(text):  # a fold that changes the length would break shared offsets
        out = text
    digits = lx.ocr_digits

    def fix(m: re.Match) -> str:
        run = m.group()
        if not any(c.isdigit() for c in run) or not any(c in digits for c in run):
            return run
        return "".join(digits.get(c, c) for c in run)

    out = _figure_run().sub(fix, out)
    ops, units = _operator_before_figure(), _unit_after_figure()
    if ops is not None:
        out = ops.sub(lambda m: lx.ocr_operators[m.group()], out)
    if units is not None:
        out = units.sub(lambda m: lx.ocr_units[m.group()], out)
    return out
