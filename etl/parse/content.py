"""Indicator rows read by their content, where no header we know announces the table.

A table whose header is a wording we have not met, is scrambled (a spreadsheet's
text layer printing header cells among values) or was cut off still holds rows
anyone can see: a level word or a `指标N` number starts them, a name follows,
then values with units or operators and small whole numbers for 分值 / 得分.
Those rows are decoded against each row grammar a template may have
(`[content] grammars` in the lexicon: 指标值 only, 指标值 实际完成值 分值 得分 …)
and the cheapest reading wins. The reading is marked in the filing's notes, and
its rows carry the confidence of a reading without a header.
"""
from __future__ import annotations

import re

from etl.lexicon import lexicon
from etl.normalise.measure import parse_measure
from etl.parse.indicators import TableResult, is_value
from etl.parse.parse_settings import DEFAULT, ContentSettings, ParseSettings
from etl.parse.flat_wraps import join_flat_wraps
from etl.parse.stream import Tok, body_pieces, cheapest_reading, join_spaced_units, tokens
from etl.parse.vocab import column_role, is_level1, is_level2
from etl.records import Row

NOTE = "未识别到表头：指标行按内容读取（请核对）"
HEADER_REACH = 20  # tokens before the first row in which a partly known header is looked for
_STRUCTURAL = ("level1", "level2", "name")


def _starts_rows(t: str, fragment: bool) -> bool:
    return is_level1(t) or is_level2(t) or bool(lexicon().name_prefix.match(t)) \
        or column_role(t) in ("level1", "level2", "name") or (fragment and bool(_NAME.fullmatch(t)))


# in a fragment of a table cut above its header (rows before any title), a row may start with its name alone
_NAME = re.compile(r"[\u4e00-\u9fff（）()、]{4,30}")


def _value_like(tok: Tok, glued_rows: bool = False) -> bool:
    # glued_rows: a piece cut out of glued text may carry its values run into its name, the row's points
    # last ('培训人数≥100人120人5050'); a money block's glued run ends in its next label ('8075.295%地方资金')
    return is_value(tok.text) \
        or (glued_rows and tok.glued and bool(_ENDS_IN_FIGURES.search(tok.text)))


# a glued piece's words then its figures, ending in the row's points or in a target with its unit ('新建道路长度
# ≥5公里', '完成时间2023年12月底前': a target table's rows have no points)
_ENDS_IN_FIGURES = re.compile(r"[\u4e00-\u9fff%].*\d([%\u4e00-\u9fff]{1,3})?$")


def _start(toks: list[Tok], s: ContentSettings, fragment: bool) -> int | None:
    """The first token that starts indicator rows and has values close after it. In a fragment before any title
    that starts at a level ('产出指标'), glued pieces holding figures count as values: a table's rows glued above
    the next filing's title."""
    for i, tok in enumerate(toks):
        glued_rows = fragment and tok.glued and (is_level1(tok.text) or is_level2(tok.text))
        if _starts_rows(tok.text, fragment) \
                and sum(_value_like(t, glued_rows) for t in toks[i + 1: i + 1 + s.window]) >= s.min_values:
            return i
    return None


# what a target table (绩效目标表) never prints: it sets targets, nothing is done or scored yet
_NOT_IN_TARGET_TABLES = frozenset({"actual", "score", "coef"})


def content_indicators(rows: list[Row], s: ParseSettings = DEFAULT, fragment: bool = False,
                       target_table: bool = False) -> TableResult | None:
    """The cheapest reading of the rows after the first row start under every template grammar, or None
    when fewer than `min_rows` indicators with a value come out. `fragment`: the rows stand before any title
    (a table continued from an earlier page), so a row may start with its name alone. `target_table`: the
    filing's title says it sets targets, so only grammars without an actual or a score are tried (a row's
    further figures, the same target for other units, are no 实际完成值 / 得分)."""
    toks = tokens(rows, s.decode)
    start = _start(toks, s.content, fragment)
    if start is None:
        return None
    glued = any(t.glued for t in toks[start:])
    pieces, i, ended = body_pieces(toks, start, glued, s.decode, s.wrap)
    pieces = join_spaced_units(join_flat_wraps(pieces, s), None)
    grammars = lexicon().content_grammars
    if target_table:
        grammars = tuple(g for g in grammars if not _NOT_IN_TARGET_TABLES & set(g))
    best = cheapest_reading(pieces, grammars, toks, i, ended, s) if pieces else None
    if best is None:
        return None
    filled = [ind for ind in best.indicators if any(v is not None for v in (ind.target, ind.actual, ind.score))]
    if fragment:
        # before any title only rows with real targets count (a unit, an operator, a share): a scoring sheet
        # of bare points ('科学决策 5 5') is no indicator table
        filled = [ind for ind in filled if (m := parse_measure(ind.target)) is not None and (m.unit or m.op)]
    # a table announced by a header we know in part (its levels and name, its value columns unknown) needs no
    # second row to be believed: an excerpt may stop after the first
    announced = sum(1 for t in toks[max(0, start - HEADER_REACH): start] if column_role(t.text) in _STRUCTURAL) >= 2
    if len(filled) < (1 if announced else s.content.min_rows):
        return None
    best.notes = (best.notes or []) + [NOTE]
    best.by_content = True
    return best
