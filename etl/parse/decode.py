"""The indicator-table decoder: label a stream of text pieces against the row grammar.

After the header, an indicator table is a sequence of rows

    [一级] [二级] 三级 value value …

where the values follow the header's column order and any of them may be
missing (a blank cell vanishes in a web copy). Instead of reading cells
greedily left to right, every piece gets a cost for every label it could
take (a number is a likely 分值, hardly a 三级指标; a long sentence is a likely
偏差原因), skipping a column costs that column's skip cost, and Viterbi finds
the cheapest labelling of the whole stream. So a row printing only 分值 and
得分 reads as weight and score, not as target and actual.

Glued text (cells run together with no separator) is the same problem on a
lattice: a glued piece may be cut at vocabulary edges, where digits or an
operator start, before a unit, and between any two digits of a number run
('901010010' -> 90 | 10 | 100 | 10). The decoder chooses the cuts with the
labels; the row's arithmetic (得分 <= 分值, the actual in the target's unit)
is part of the cost.

Every cost is a named setting (`DecodeSettings`), printed by `--explain`.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, fields
from functools import lru_cache

from etl.lexicon import alternation, lexicon, operator_cell_pattern
from etl.normalise.measure import parse_measure as _parse_measure
from etl.normalise.measure import parse_number as _parse_number
from etl.normalise.measure import parse_number_ocr
from etl.parse.ocr_fold import fold_ocr
from etl.parse import tagger
from etl.parse.cells import is_empty_value
from etl.parse.vocab import (SCRAMBLED_MIN_LEN, LONG_TERM, column_role, fold_cell, holds_no_field, is_context, is_level1,
                              is_level2, is_unknown_level, scrambled_level1, strip_score)
from etl.records import Loc

INF = math.inf
# the decoder asks about the same few pieces thousands of times (every cut, every reading of a glued row)
parse_measure = lru_cache(maxsize=1 << 16)(_parse_measure)
parse_number = lru_cache(maxsize=1 << 16)(_parse_number)  # (a glued row's search asks for its 分值 and 得分 in every split)


@dataclass(frozen=True, eq=False)  # hashed by identity: the cost functions are cached per settings object
class DecodeSettings:
    """Costs of the row grammar. Lower is likelier; a label that cannot hold a piece costs INF."""

    # skipping a column that the header announced (the cell is blank or vanished)
    skip_target: float = 2.0
    skip_actual: float = 2.0
    skip_weight: float = 2.0
    skip_score: float = 2.0
    skip_other: float = 0.3  # reason, basis, description, nature, unit, core flag
    skip_adjusted_target: float = 0.2  # 调整指标值 is filled only when a target was adjusted
    skip_core: float = 1.0  # 是否核心指标, where the template has it, is printed on every row
    skip_no_field: float = 0.0  # 部门职责 / 工作任务 (printed once over its block: a merged cell), 折算得分 …
    skip_coef: float = 0.6  # 得分系数, where the template has it, decides the score: it is nearly always printed
    # a row without a name (its values would belong to nothing)
    name_missing: float = 8.0
    # a table whose 三级指标 column was left empty on every row ('数量指标 | | 88'): read again with a row's
    # missing name costing `nameless_row` (each row keyed by its level-2), where the first reading's names
    # repeat on at least `nameless_repeat_share` of its rows (the bare word '指标' cut off a level label);
    # that reading wins when it costs `nameless_margin` less
    nameless_row: float = 0.5
    nameless_repeat_share: float = 0.5
    nameless_margin: float = 3.0
    # a level word ('满意度', '质量') used as an indicator's name
    level_word_as_name: float = 2.0
    unit_as_name: float = 3.0
    level_label_as_name: float = 6.0
    placeholder_name: float = 1.0
    name_wrapped: float = 1.5  # a name continued in the next cell (a wrapped line), on top of that cell's name cost
    blank_row: float = 0.3
    level_without_rows: float = 2.5  # a level cell followed straight by another level cell (an empty block)
    ambiguous_level_as_level1: float = 0.5
    level1_as_level2: float = 1.0
    # a level of a family the lexicon does not know ('制度指标'), read as a level or as a name
    unknown_level_as_level1: float = 1.2
    unknown_level_as_level2: float = 0.8
    unknown_level_as_name: float = 1.5
    scrambled_level: float = 0.3  # a level-1 label with its characters out of order ('出标产指'), in glued text
    # names that look like values
    number_as_name: float = 6.0
    short_name: float = 1.5  # one character
    long_name_per_char: float = 0.05  # beyond 30 characters
    # values
    bare_number_as_value: float = 0.5  # a target/actual printed without a unit, where units are usual
    short_text_as_value: float = 0.6
    long_text_as_value: float = 2.5  # more than 20 characters: more likely a reason
    score_above_weight: float = 4.0
    weight_over_100: float = 5.0
    many_decimals: float = 4.0  # a 分值 / 得分 with three decimals or more: figures run together
    unit_mismatch: float = 0.8  # actual in another unit than the target
    odd_unit: float = 0.8  # a figure followed by more than `odd_unit_len` characters that are no known unit
    odd_unit_len: int = 2
    reason_short_text: float = 1.2
    reason_number: float = 5.0
    description_number: float = 1.5
    latin_only_value: float = 6.0
    speck: float = 1.0  # a stray mark OCR read between two glued cells ('X', 'tot', '口'): skipped, no cell
    speck_len: int = 3  # Latin letters alone up to this many are such a mark ('qrcode' is longer: page furniture)
    ocr_number: float = 0.5  # a 分值/得分 cell read through OCR's letter-for-digit confusions  # 'qrcode': page furniture, not a cell of a Chinese table
    basis_other_text: float = 2.5
    # free text in a grid's own 指标值设定依据 column: the column says what the cell is. (At basis_other_text a
    # table's rows read cheaper glued in pairs, two rows with one basis, and were joined as wrapped lines.)
    basis_in_column: float = 0.0
    unlisted_level_in_column: float = 1.5  # a short label in a grid's 二级指标 column that the lexicon does not know
    unit_as_value: float = 2.5  # '万亩' alone is the 计量单位 column, not a value
    unknown_unit: float = 1.5  # a 计量单位 cell holding a word that is not a known unit
    equal_target_actual: float = -0.6  # a bonus: 好 | 好, 100% | 100% are the commonest rows
    # a row's own arithmetic (used when a glued row is read again as a whole)
    fractional_weight: float = 0.8  # 分值 are whole numbers in nearly every template
    zero_weight: float = 1.5
    large_weight: float = 30.0  # one indicator's 分值 above this is rare
    large_weight_cost: float = 1.0
    score_below_weight: float = 0.3  # most rows score full marks; a deduction needs the evidence
    coef_mismatch: float = 1.0  # 得分 = 分值 × 得分系数 where the template prints a coefficient
    far_actual: float = 1.0  # a unitless actual more than `actual_target_ratio` times off its target
    actual_target_ratio: float = 20.0
    # glued pieces (cells run together with no separator)
    glued_piece: float = 0.4  # every cut inside glued text costs this much (prefer fewer cuts)
    digit_split: float = 0.3  # a cut between two digits of one printed number
    unit_detached: float = 1.0
    placeholder_run_on: float = 0.5  # a cell that opens with a reason's placeholder ('无') right after a row's figures
    unit_beside_unit_column: float = 0.6  # a cell that starts with the unit of the number before it
    name_ends_with_unit: float = 0.6  # a name cut out of glued text that keeps the unit column's word
    vocabulary_inside: float = 6.0  # a glued cell that would hold a level name or a header word
    glued_text_value: float = 1.0  # a long word cut out of glued text read as a value (names are long, values short)
    glued_text_value_len: int = 4
    name_and_unit_as_value: float = 3.0
    glued_name_starts_with_digit: float = 2.0
    description_inside_name: float = 1.0  # '51010010病虫': the digits belong to the row before
    description_run_on: float = 2.0  # an explanation cut out of glued text that runs on past its ending word
    leading_zero: float = INF  # '010', '≥05': a cut in the wrong place, never printed so
    max_piece: int = 40  # longest piece cut out of glued text
    # the learned cell tagger (etl/parse/tagger.py) as evidence inside glued text: a cut-out piece costs
    # `tagger_weight` × the tagger's surprise at its characters' tags under the label; where the tagger
    # says a cell starts with at least `tagger_cut` probability is a cut point. 0 turns the tagger off.
    tagger_weight: float = 0.1
    tagger_cut: float = 0.5
    # the most surprise a cut-out piece takes from the tagger under the one column the lexicon's wording gives it
    # (a name that starts with a figure, '65岁及以上老年人…'; an explanation, '反映…情况', which is no role of the
    # tagger's): the tagger's surprise grows with every character, and on wording it never learned ('65岁及以上'
    # read as a value) it would otherwise outweigh the row grammar and the lexicon however plain they are
    tagger_cap_name: float = 40.0
    tagger_cap_description: float = 25.0
    # a stretch of glued text the tagger reads as no cell at all (a page marker '2、', a header, the total
    # row run into the last indicator) with at least `tagger_junk_share` mean probability may be skipped
    # for `tagger_junk` (instead of `junk`)
    tagger_junk: float = 0.5
    tagger_junk_share: float = 0.8
    bare_points_before_name: float = 1.0
    points_note: float = 0.3  # a level's points run on after it without brackets ('数量指标15分'), skipped
    side_label: float = 0.3  # the table's side label ('绩效指标') run into a cell of glued text, skipped
    # a line split at spaces is glued text broken at its wrapped words when the tagger reads at least this
    # share of its spaces as inside a cell (etl/parse/stream.py)
    wrapped_line_share: float = 0.6
    max_row_cuts: int = 14  # a glued row with more candidate cuts than this is not re-read
    junk: float = 3.0  # a stretch of glued text no cell reads, skipped
    junk_per_char: float = 0.15
    glued_whole: float = 3.0  # a glued piece (words and numbers run together) read as one cell after all
    glued_min_len: int = 5  # a piece at least this long with values inside it is a glued candidate
    glued_whole_per_figure: float = 0.8  # each figure beyond the first in a glued piece read as one cell
    # grid evidence: a cell standing under another column's header, rows running across lines
    off_column: float = 1.5
    value_across_rows: float = 2.0  # a grid row's first cell read as a value of the row above
    new_row_midline: float = 2.0  # a new indicator starting in the middle of a grid row
    # a text copy drops a row's blank cells, so its cells stand in no column, but its line still starts a row:
    # a line's first cell read as a value of the line above costs this much there
    value_across_lines: float = 2.0
    # a block's context (部门职责, 工作任务) starts its row: in a text copy, one read in the middle of a line (the
    # line above's last cell, a short 偏差原因, taken for the next block's task) costs this much
    context_midline: float = 2.0
    # a name with its unit in brackets ('办公用房面积(平方米)') is an indicator's name, hardly a target or actual
    numbered_name_as_value: float = 10.0  # '指标2:…' read as a value or as the rest of the name before it
    name_with_unit_as_value: float = 8.0
    bracketed_unit_as_value: float = 6.0  # '(万元)' alone: the end of a name printed with a space before it
    # an explanation ('反映…情况', the 指标解释 column) read as a target or actual: it says what the row
    # measures, never how much
    description_as_value: float = 3.0


SETTINGS = DecodeSettings()
DESCRIPTION_MIN_LEN = 6  # '反映…情况' is a clause; '衡量' alone is no explanation

# (a unit may carry its words in brackets: '%(百分比)' under a template's '单位(文字描述)')
_UNIT_CELL = re.compile(r"^([%‰％]|[^\d\s()（）]{1,4})([(（][^()（）\d]{1,6}[)）])?$")
_BASIS_CELL = re.compile(r"标准$|^(计划|行业|历史|其他)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# (compiled once: the decoder asks these of every piece it weighs, tens of thousands of times a corpus)
_DIGIT = re.compile(r"\d")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_NAME_WITH_UNIT = re.compile(r"(?:[\u4e00-\u9fff][^\d]*?)?[（(]([^()（）\d]{1,5})[)）]")
_OPS = re.escape(lexicon().operator_chars)  # every operator character the lexicon knows (≥ ≧ ═ …)
_TRAILING_BLANK = re.compile(rf"(?<=[\d%])[{re.escape(''.join(lexicon().blank_marks))}]+$")  # a blank cell after figures
_LEADING_ZERO = re.compile(rf"^[{_OPS}]{{0,2}}0\d")  # '010', '≥05': a cut in the wrong place, never printed so
_WORDISH = re.compile(r"[\u4e00-\u9fff\u3001\u3002\u300a-\u300f\u201c\u201d\u2018\u2019\uff0c\uff1a\uff1b\uff08\uff09]")


@dataclass
class Piece:
    text: str
    loc: Loc
    glued: bool = False
    sure_glued: bool = False  # known to have lost its separators (cut out of glued text, or in a glued table)
    col: int | None = None  # column position in a grid row (evidence, not a rule: cells may have vanished)
    row_first: bool = False  # the first non-empty cell of a grid row
    # the first piece of a row whose name a scrambled text layer lost (etl/parse/scrambled.py deals it its cells
    # by the names' numbers): a row starting here is read without a name at `nameless_row`, not `name_missing`
    nameless: bool = False


@dataclass
class Step:
    """One labelled piece of the best path."""

    text: str
    loc: Loc
    label: str  # 'level1', 'level2', 'name' or a value role
    cost: float
    inner: bool = False  # cut out of glued text by the decoder
    col_index: int = -1  # position of its label in the row grammar (a smaller one starts a new row)
    nameless: bool = False  # the first piece of a row known to have lost its name (Piece.nameless)


@dataclass
class Decoded:
    steps: list[Step]
    cost: float
    runner_up_cost: float | None = None
    settings: object = None  # the DecodeSettings it ran with


@lru_cache(maxsize=256)
def _skip_cost(role: str, s: DecodeSettings) -> float:
    return {"target": s.skip_target, "actual": s.skip_actual, "weight": s.skip_weight, "score": s.skip_score,
            "adjusted_target": s.skip_adjusted_target, "coef": s.skip_coef, "core": s.skip_core}.get(
        role, s.skip_no_field if holds_no_field(role) else s.skip_other)


def _is_level(t: str) -> bool:
    return is_level1(t) or is_level2(t)


def _unit_words() -> tuple[str, ...]:
    return lexicon().unit_words


@lru_cache(maxsize=1 << 16)
def name_cost(t: str, s: DecodeSettings) -> float:
    if is_empty_value(t) or lexicon().placeholder_row.fullmatch(t):
        return s.placeholder_name  # an unfilled template row ('无', '指标2:'), dropped after decoding
    if not _CJK.search(t):
        return INF if not re.search(r"[A-Za-z]", t) else s.number_as_name
    if parse_number(t) is not None or (parse_measure(t) is not None and (
            not re.search(r"[\u4e00-\u9fff]{2}", t) or _word_operator_re().match(t))):
        return s.number_as_name  # (the words of '不少于12种' are its operator's: a value, no name)
    if column_role(t) in ("level1", "level2", "name"):
        return INF
    cost = 0.0
    if t in _unit_words() or re.fullmatch(r"[^\d\s]{1,3}/[^\d\s]{1,2}", t) or t in lexicon().direction_words:
        cost += s.unit_as_name  # '人/年', '正向指标': a unit or a flag column, not a name
    if _is_level(t):
        # a bare level word ('满意度', '质量') can name an indicator; a full label ('社会成本指标') hardly
        cost += s.level_label_as_name if t.endswith("指标") else s.level_word_as_name
    elif is_unknown_level(t):
        cost += s.unknown_level_as_name
    if len(t) == 1:
        cost += s.short_name
    if len(t) > 30:
        cost += (len(t) - 30) * s.long_name_per_char
    return cost


@lru_cache(maxsize=1 << 16)
def value_cost(role: str, t: str, s: DecodeSettings) -> float:
    """Cost of reading piece `t` as the cell of column `role`."""
    if _is_level(t):
        return INF
    if _LEADING_ZERO.match(t):
        return s.leading_zero  # '010', '≥05': a cut in the wrong place, never printed so
    if holds_no_field(role):
        return 0.0  # a duty's, a task's words or its money: whatever the block's context cell holds
    num = parse_number(t)
    if role in ("weight", "score"):
        if num is None:
            ocr = parse_number_ocr(t)
            return INF if ocr is None or ocr > 100 else s.ocr_number  # 'l0': OCR read 1 as l
        if num < 0:
            return INF
        cost = s.many_decimals if re.search(r"\.\d{3}", t) else 0.0  # 分值 and 得分 carry at most two decimals
        return cost + (s.weight_over_100 if num > 100 else 0.0)
    if role == "coef":
        return 0.0 if re.fullmatch(r"\d+(\.\d+)?%?", t) else INF
    if role in ("nature", "direction"):
        # templates swap these two columns ('指标性质 | 正向', '指标方向 | 大于等于'): either holds either kind
        lx = lexicon()
        return 0.0 if operator_cell_pattern().match(t) or t in lx.nature_words or t in lx.direction_words else INF
    if role in ("measure_unit", "unit_column"):
        return 0.0 if _UNIT_CELL.match(t) and parse_number(t) is None else INF
    if role == "core":
        return 0.0 if t in ("是", "否") else INF
    if role == "basis":
        return 0.0 if _BASIS_CELL.search(t) or t.startswith(lexicon().description_cues) else s.basis_other_text
    if _numbered_name(t):
        return s.numbered_name_as_value  # '指标2:发放宣传资料': a template's numbering starts a name, never a value
    if role in ("reason", "description", "remark"):
        if is_empty_value(t) or t in lexicon().reason_placeholders:
            return 0.0
        if role == "remark" and lexicon().scoring_rule.search(t):
            return 0.0  # '发生一起扣5分': a scoring rule, however short
        if _latin_only(t):
            return s.latin_only_value
        if num is not None or parse_measure(t) is not None:
            # a 指标解释 cell may restate the value ('60%'); a 偏差原因 hardly ever is a number
            return s.description_number if role == "description" else s.reason_number
        return 0.0 if len(t) > 8 else s.reason_short_text
    if _latin_only(t):
        return s.latin_only_value
    # target, actual, adjusted_target
    if is_empty_value(t):
        return 0.2
    if t.startswith(lexicon().description_cues) and len(t) >= DESCRIPTION_MIN_LEN and not re.search(r"\d", t):
        return s.description_as_value + (s.long_text_as_value if len(t) > 20 else s.short_text_as_value)
    m = parse_measure(t)
    ocr = 0.0
    if m is None and t.startswith(lexicon().change_words):
        m = parse_measure(_CHANGE_LEAD.sub("", t))  # '增收27万元': a figure, after the words of the change
    if m is None and fold_ocr(t) != t:
        m, ocr = parse_measure(fold_ocr(t)), s.ocr_number  # 'l00%', '35.2万兀': a figure OCR misread
    if m is not None:
        if m.unit and len(m.unit) > s.odd_unit_len and m.unit not in lexicon().known_units and not _PER_UNIT.match(m.unit):
            return s.odd_unit  # '≥99%明显改善': a figure with words run on, not a unit
        return ocr + (s.bare_number_as_value if (m.unit is None and m.op is None) else 0.0)
    if len(t) > 20:
        return s.long_text_as_value
    if _name_with_unit(t):
        return s.bracketed_unit_as_value if t[0] in "(（" else s.name_with_unit_as_value
    return s.short_text_as_value


_CHANGE_LEAD = re.compile(rf"^({alternation(lexicon().change_words)})(?=[{_OPS}]?\d)")


def _name_with_unit(t: str) -> bool:
    """'办公用房面积(平方米)', '满意度(%)': words, then the indicator's unit in brackets; or the bracketed unit
    alone ('(万元)'), the end of a name printed with a space before it."""
    m = _NAME_WITH_UNIT.fullmatch(t)
    return bool(m) and (m.group(1).strip(lexicon().operator_chars) in lexicon().known_units
                        or m.group(1) in ("%", "％", "‰"))


def _numbered_name(t: str) -> bool:
    """'指标2:发放宣传资料': the lexicon's name numbering, then words."""
    m = lexicon().name_prefix.match(t)
    return bool(m) and bool(_CJK.search(t[m.end():]))


_YEAR_SPAN = re.compile(r"(?:19|20)\d\d\s*[-—–~～至]\s*(?:19|20)\d\d")  # 2018-2022: a span of years, one word
_PER_UNIT = re.compile(r"^[^\d/]{1,3}/[^\d/]{1,3}$")  # 元/亩, 人/年, 次/月: a unit per unit


def _latin_only(t: str) -> bool:
    """'qrcode', 'tot': page furniture or OCR noise, not a cell of a Chinese table."""
    return not _CJK.search(t) and not _DIGIT.search(t) and bool(_LATIN_WORD.search(t))


@lru_cache(maxsize=1 << 16)
def pair_cost(prev_role: str, prev: str, role: str, t: str, s: DecodeSettings) -> float:
    """Arithmetic and units between two neighbouring cells of one row."""
    if prev_role == "weight" and role == "score":
        w, v = parse_number(prev), parse_number(t)
        if w is not None and v is not None and v > w + 1e-9:
            return s.score_above_weight
    if prev_role in ("target", "adjusted_target") and role in ("actual", "adjusted_target"):
        if prev == t:
            return s.equal_target_actual  # printed twice: the target was met as set
        a, b = parse_measure(prev), parse_measure(t)
        if a and b and a.unit and b.unit and a.unit != b.unit:
            return s.unit_mismatch
        if a and a.unit and b and not b.unit:
            return s.unit_mismatch / 2
    return 0.0


@lru_cache(maxsize=1 << 16)
def name_value_cost(name: str, t: str, s: DecodeSettings) -> float:
    """A name that carries its unit ('合格率(%)') is followed by bare figures: no unit missing from them."""
    if _name_with_unit(name):
        m = parse_measure(t)
        if m is not None and m.unit is None and m.op is None:
            return -s.bare_number_as_value
    return 0.0


# --- the lattice ---------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_FIGURE = re.compile(r"\d+(?:\.\d+)?%?")
# what one cell cut out of glued text can be: words with no digits, or one measure (op, number, a known unit)
_EDGE_OK: list[re.Pattern] = []


@lru_cache(maxsize=1)
def _name_with_figure() -> re.Pattern:
    """A name that starts with a figure (65岁及以上老年人…, 3岁以下儿童…, 12月底前完成): a cell of glued text, but
    only a name."""
    lx = lexicon()
    units = "|".join(re.escape(u) for u in sorted(set(lx.unit_words) | set(lx.unit_aliases), key=len, reverse=True))
    # (or with a date of the calendar: '12月底之前完成', where 月 would otherwise be the figure's unit)
    return re.compile(rf"^(?:\d{{1,3}}(?!{units})[\u4e00-\u9fff]|{lx.calendar_name_start})[^\d{_OPS}%]{{2,}}$")


@lru_cache(maxsize=1)
def _description_with_figure() -> re.Pattern:
    """An explanation that quotes a figure of its indicator's name ('反映65岁及以上老年人管理人数情况'): one cell
    of glued text. Every figure inside it is followed by two words' characters at least, none is a year, and no
    operator or % stands in it, so a value run on after it ('…情况≥5871人', '…情况100人', '…情况2020年12月底前')
    is still cut off."""
    return re.compile(rf"^(?:{alternation(lexicon().description_cues)})"
                      rf"(?:[^\d{_OPS}%％]|(?!(?:{lexicon().date_value}))\d+(?:\.\d+)?(?=[\u4e00-\u9fff]{{2}}))*[\u4e00-\u9fff]$")


def _description_runs_on(text: str) -> bool:
    """Does the explanation's ending word ('情况') stand inside it, words after it ('反映…情况无安全事故计划标准')?"""
    return any(0 < text.find(w) < len(text) - len(w) for w in lexicon().description_ends)


_UNOPENED = re.compile(r"^[^（(]*[)）]")  # a bracket closed before any opened: the rest of a cell cut across


@lru_cache(maxsize=1 << 14)
def _lexicon_named(text: str) -> str | None:
    """The one column the lexicon's wording gives a cut-out piece, or None: a name that starts with a figure,
    an explanation ('反映…情况', figures inside it or not)."""
    if _holds_vocabulary(text):
        return None  # a level label or a header word inside: pieces of several cells, whatever their start
    if _name_with_figure().match(text) and not _LEADING_ZERO.match(text) and not _UNOPENED.match(text):
        return "name"
    if text.startswith(lexicon().description_cues) and len(text) >= DESCRIPTION_MIN_LEN \
            and text.endswith(lexicon().description_ends) and not _description_runs_on(text) \
            and (not _DIGIT.search(text) or _description_with_figure().match(text)):
        return "description"
    return None


@lru_cache(maxsize=1)
def _calendar_name() -> re.Pattern:
    return re.compile(lexicon().calendar_name_start)


def _edge_ok(text: str) -> bool:
    if not _EDGE_OK:
        lx = lexicon()
        units = sorted(set(lx.unit_words) | set(lx.unit_aliases), key=len, reverse=True)
        _EDGE_OK.append(re.compile(
            r"^[^\d]+$"
            r"|^[^\d]+[（(]\d+(\.\d+)?分?[)）]$"  # a level name with its score part: 产出指标(50分)
            r"|^[^\d]+指标\d{1,2}分?$"  # or its points run on where the cell between was lost: 管理指标30
            rf"|^[^\d]*[\u4e00-\u9fff]{_YEAR_SPAN.pattern}[^\d]*$"  # a name holding a span of years
            rf"|{_name_with_figure().pattern}"
            rf"|{_description_with_figure().pattern}"
            rf"|^(?:{lx.date_value})$"  # a date worded as a value: '2021年12月底前'
            # the operator words a figure may follow in a glued cell (the lexicon's narrower list)
            # (or after the words of a change: '增收27万元', '超上年2%')
            rf"|^({alternation(lx.change_words)})?[{_OPS}]{{0,2}}({alternation(lx.glued_cell_operators)})?\d+(\.\d+)?"
            # then a unit or a rate's base ('200/10万'), then the lexicon's suffix operators ('95%以上')
            rf"({'|'.join(re.escape(u) for u in units)}|/\d*[万千百]?人?)?"
            rf"({alternation(w for w, _ in lx.suffix_operators)})?$"))
    return bool(_EDGE_OK[0].match(text))


def _cut_points(text: str, digits: bool = True) -> set[int]:
    """Where a glued piece may be cut: script changes, operators, units, and (with `digits`) every digit boundary.

    The first pass over a table leaves number runs whole ('2810810' is one cell there): how a run
    splits into 分值, 得分 and values is decided per row, with the row's arithmetic (redecode_glued_row).
    """
    cuts = {0, len(text)}
    ops = set(lexicon().operator_chars) | {"%", "％"}
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        # CJK punctuation sits inside names ('提升服务质量、扩大覆盖面'): it is on the words' side
        cjk_a, cjk_b = bool(_WORDISH.match(a)), bool(_WORDISH.match(b))
        if cjk_a != cjk_b or (b in ops and a not in ops) or (a == "%" and b != "%"):
            cuts.add(i)
    for m in re.finditer(_TRAILING_BLANK, text):  # a placeholder cell after the figures ('1010/')
        cuts.add(m.start())
    for m in re.finditer(r"(?<=\d)、|[，。；,;]", text):  # a page marker ('3、') or a clause ends here
        cuts.update((m.start(), m.end()))
    for m in _word_operator_re().finditer(text):  # a value starts with its operator word ('…人数不少于300人')
        cuts.add(m.start())
    for m in re.finditer(r"[（(]|[)）]", text):  # brackets open and close cells' parts
        cuts.add(m.start() if m.group() in "（(" else m.end())
    for m in _DIGITS.finditer(text if digits else ""):
        for i in range(m.start() + 1, m.end()):
            if text[i] != "." and text[i - 1] != ".":
                cuts.add(i)
    # vocabulary edges: level names and column headers inside glued text
    # (leftmost-longest: '社会效益指标' is cut as a whole, not after '社会效益')
    _holds_vocabulary("")
    for m in _VOCAB_RE[0].finditer(text):
        cuts.update((m.start(), m.end()))
    # a unit between a name and its numbers ('面积万亩28'): cut before the unit too
    for m in re.finditer(r"[\u4e00-\u9fff](?=\d)", text):
        for k in (1, 2):
            if m.end() - k > 0:
                cuts.add(m.end() - k)
    # an explanation starts a cell of its own ('…维修维护次数反映办公大楼…情况')
    for cue in lexicon().description_cues:
        start = text.find(cue)
        while start > 0:
            cuts.add(start)
            start = text.find(cue, start + 1)
    # a reason said as a placeholder ('无', '暂无') after a row's figures ends its cell: the next row's name
    # follows ('…1010无家庭经济困难学生资助率…')
    for m in _placeholder_after_figure_re().finditer(text):
        cuts.add(m.end())
    # a change stated before its figure starts a cell ('超上年度增收27万元': a worded target, then its actual)
    for m in _change_re().finditer(text):
        cuts.add(m.start())
    # a date worded as a value is a cell of its own, words may follow it ('…2020年12月底前计划标准': the basis)
    for m in _date_re().finditer(text):
        if m.end() - m.start() > len("2020") + 1:  # more than a year alone ('2020年' is in names: '2020年度…')
            cuts.update((m.start(), m.end()))
    # a qualitative value starts a cell of its own ('…合规性符合相关规定效果明显', '…对周边环境影响长远')
    for m in _value_cue_re().finditer(text):
        if m.start() > 0 and _CJK.match(text[m.start() - 1]):
            cuts.add(m.start())
    # a unit or a 是/否 flag right after a number ends a cell: '26次12次', '22否预算调整率'
    for m in re.finditer(r"(?<=[\d%])[\u4e00-\u9fff]", text):
        for k in (1, 2, 3):
            if text[m.start(): m.start() + k] in _unit_words() + ("是", "否"):
                cuts.add(m.start() + k)
    for m in _LEVEL_POINTS.finditer(text):  # a level's points run on ('数量指标15分采购设备'): skipped whole
        cuts.update((m.start(), m.end()))
    for a, b in side_labels_in(text):  # a side label run into a cell ('…库存绩效指标'): skipped whole
        cuts.update((a, b))
    # the same words twice before a number or at the row's end: a qualitative target and its actual
    # ('执行情况好好100%'; '高高' where the row has no 分值 or 得分 printed)
    for m in re.finditer(r"([\u4e00-\u9fff]{1,6}?)\1(?=[\d%≥≤=<>]|$)", text):
        half = len(m.group(1))
        cuts.update((m.start(), m.start() + half))
    # a level-1 label read across the lines of a narrow cell, its characters out of order ('出标产指')
    for width in _scrambled_widths():
        for i in range(len(text) - width + 1):
            if scrambled_level1(text[i: i + width]):
                cuts.update((i, i + width))
    # a span of years inside a name ('取得2018-2022监测资料') is one word: no cut inside it
    inside = {i for m in _YEAR_SPAN.finditer(text) for i in range(m.start() + 1, m.end())}
    return {c for c in cuts if 0 <= c <= len(text) and c not in inside}


@lru_cache(maxsize=1)
def _scrambled_widths() -> tuple[int, ...]:
    return tuple(sorted({len(n) for n in lexicon().level1_names if len(n) >= SCRAMBLED_MIN_LEN and n.endswith("指标")}))


@lru_cache(maxsize=1)
def _side_label_res() -> tuple[re.Pattern, re.Pattern]:
    """The table's side labels ('绩效指标'), and the header words, inside which such a label is part of a
    column's or a block's name ('年度绩效指标', '长期绩效指标')."""
    lx = lexicon()
    return re.compile(alternation(lx.side_labels)), re.compile(alternation(set(lx.header_words)))


@lru_cache(maxsize=1 << 14)
def side_labels_in(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each side label in glued text that no longer header word holds."""
    labels, headers = _side_label_res()
    spans = [(m.start(), m.end()) for m in labels.finditer(text)]
    if not spans:
        return ()
    held = [(m.start(), m.end()) for m in headers.finditer(text)]
    return tuple((a, b) for a, b in spans
                 if not any(c <= a and b <= d and d - c > b - a for c, d in held))


@lru_cache(maxsize=1)
def _word_operator_re() -> re.Pattern:
    """An operator printed in words ('不少于', '达到') before a figure."""
    words = [w for w, _ in lexicon().operators if _CJK.search(w)]
    return re.compile("(?:%s)(?=[\\d.])" % "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _placeholder_after_figure_re() -> re.Pattern:
    """A worded reason placeholder ('无', '暂无', '无偏差') right after a figure, with words after it."""
    words = [w for w in lexicon().reason_placeholders if _CJK.search(w)]
    return re.compile(rf"(?<=[\d%])(?:{alternation(words)})(?=[\u4e00-\u9fff“\"「])")


@lru_cache(maxsize=1)
def _change_re() -> re.Pattern:
    """The words of a change right before a figure ('增收27万元', '增372人次'), after words."""
    return re.compile(rf"(?<=[\u4e00-\u9fff])(?:{alternation(lexicon().change_words)})(?=[{_OPS}]?\d)")


@lru_cache(maxsize=1)
def _date_re() -> re.Pattern:
    return re.compile(lexicon().date_value)


@lru_cache(maxsize=1)
def _value_cue_re() -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in lexicon().value_cues))


_VOCAB_CACHE: list[str] = []
_VOCAB_RE: list[re.Pattern] = []


@lru_cache(maxsize=1 << 14)
def _holds_vocabulary(text: str) -> bool:
    if not _VOCAB_RE:
        # level labels proper ('社会效益指标') and column headers; not family words such as '资产管理', which
        # also begin indicator names ('资产管理安全')
        words = {w for w in _vocab_words() if "指标" in w or w.endswith("满意度")} | set(lexicon().header_words)
        _VOCAB_RE.append(re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if len(w) >= 4)))
    m = _VOCAB_RE[0].search(text)
    # a level name or header word with more words before or after it ('服务对象满意度%' is only a name + '%')
    return bool(m) and (m.start() > 0 or bool(_CJK.search(text[m.end():])))


def _vocab_words() -> list[str]:
    if not _VOCAB_CACHE:
        lx = lexicon()
        words = set(lx.level1_names) | set(lx.level2_words) | {"定量指标", "定性指标"}
        _VOCAB_CACHE.extend(sorted(words, key=len, reverse=True))
    return _VOCAB_CACHE


def is_glued_piece(t: str, s: DecodeSettings = SETTINGS) -> bool:
    """A piece long enough to hold a name and its values run together ('面积万亩2810810'); a scoring rule's
    words and figures ('发生一起扣5分', a 评(扣)分标准 cell) are one cell."""
    return len(t) >= s.glued_min_len and bool(_CJK.search(t)) \
        and bool(re.search(rf"[\u4e00-\u9fff%）)》”][\d{_OPS}]", t)) and parse_measure(t) is None \
        and not lexicon().scoring_rule.search(t)


def holds_cells(t: str, s: DecodeSettings = SETTINGS) -> bool:
    """In a table that lost its separators, a piece of words only may still be several cells: a level
    label or a header word inside it, or a qualitative value after a name ('…影响长远')."""
    if len(t) < s.glued_min_len or not _CJK.search(t):
        return False
    return _holds_vocabulary(t) or any(m.start() > 0 and _CJK.match(t[m.start() - 1])
                                       for m in _value_cue_re().finditer(t))


JUNK = -1.0  # marks a lattice edge that only the blank label may take
TAGGED_JUNK = -2.0  # a stretch the cell tagger reads as no cell: skipped, the reading's state kept
POINTS_NOTE = -3.0  # a level's points printed after it ('数量指标15分', '数量指标(10分)'): skipped like junk
SIDE_LABEL = -4.0  # the side label beside the rows ('绩效指标', a merged side cell) run into a cell: skipped too
SPECK = -5.0  # a speck OCR read between two cells ('50人X52人', '≥5所L家庭…'): skipped too
# (bare, or in brackets: a 二级 label printed with its points as its 一级 is, '…指标2:服务对象满意度指标(10分)…', is
# then no piece of two cells, '服务对象' and the 一级 '满意度指标(10分)')
_LEVEL_POINTS = re.compile(r"(?<=指标)(?:\d{1,2}(\.\d)?分(?!钟)|[（(]\d{1,3}(\.\d)?分[)）])")
SKIPPED = "skipped"  # marks such a skip on the best path (no step is made of it)


def cut_penalty(text: str, a: int, b: int, s: DecodeSettings = SETTINGS) -> float:
    """Extra cost of the cell text[a:b] for where it was cut: between two digits, or off its number's unit."""
    cost = 0.0
    for c in (a, b):
        if 0 < c < len(text) and text[c - 1].isdigit() and text[c].isdigit():
            cost += s.digit_split / 2
    if 0 < a < len(text) and text[a - 1].isdigit() and text[a:b].startswith(_unit_words()) and not text[a:b] in _unit_words():
        cost += s.unit_detached  # '万元效果明显': the unit belongs to the number before it
    if 0 < a and (m := _placeholder_after_figure_re().match(text, a)) and b > m.end():
        cost += s.placeholder_run_on  # '无家庭经济困难…' after a row's figures: the reason '无', then the next name
    if b < len(text) and _CJK.match(text[b]) and (m := _BARE_POINTS.search(text, a, b)) \
            and _is_level(text[a:m.start()]) and not text.startswith(tuple(_vocab_words()), b):
        # a level's bare points ('产出指标30数量指标') are followed by the next level; followed by words, the
        # figure starts the name ('数量指标65岁及以上老年人…')
        cost += s.bare_points_before_name
    return cost


_BARE_POINTS = re.compile(r"(?<=[\u4e00-\u9fff])\d{1,2}$")  # after a level label: its points, bare


# the same words (two characters or more) twice before a figure or an operator: '…质量等合格合格2020' is a
# name, then a qualitative target and its actual printed side by side
_TWICE = re.compile(rf"([\u4e00-\u9fff]{{2,6}}?)\1(?=[\d%{_OPS}])")


def _twice_kept(text: str) -> list[tuple[int, int, int]]:
    """(start, middle, end) of every doubled word before a figure in a glued piece; not where the second copy
    opens a numbered name ('…时效指标指标1:'): that is a level label, then a template's placeholder."""
    prefix = lexicon().name_prefix
    return [(m.start(), m.start() + len(m.group(1)), m.end()) for m in _TWICE.finditer(text)
            if not prefix.match(text[m.start() + len(m.group(1)):])]


def _keeps_twice(kept: list[tuple[int, int, int]], a: int, b: int) -> bool:
    """Does the cell text[a:b] keep each doubled word's two copies as cells of their own: it neither starts
    nor ends inside a copy, nor runs across a copy's edge (the name does not take the target's words)?"""
    for start, mid, end in kept:
        if start < a < mid or mid < a < end or start < b < mid or mid < b < end:
            return False
        if any(a < c < b for c in (start, mid, end)):
            return False
    return True


def lattice(pieces: list[Piece], s: DecodeSettings = SETTINGS) -> tuple[int, list[list[tuple]]]:
    """Nodes 0..N and, for every node, the edges (end node, text, loc, cut-inside-glued, cuts between digits)."""
    offsets = [0]
    for p in pieces:
        offsets.append(offsets[-1] + len(p.text))
    n = offsets[-1]
    # (a node no edge starts from, most of a table's characters, shares one empty tuple)
    edges: list = [()] * (n + 1)
    for p, start in zip(pieces, offsets):
        if not p.glued:
            out = edges[start] or []
            out.append((start + len(p.text), p.text, p.loc, False, 0.0, None))
            edges[start] = out
            continue
        for a, b, sub, inner, penalty, tag in _glued_edges(p.text, s, tagger.generation()):
            out = edges[start + a]
            if not out:
                out = edges[start + a] = []
            out.append((start + b, sub, p.loc, inner, penalty, tag))
    return n, edges


@lru_cache(maxsize=1 << 12)
def _glued_edges(text: str, s: DecodeSettings, _model: int) -> tuple[tuple, ...]:
    """The lattice's edges inside one glued piece, (start, end, text, cut inside, penalty, tagger evidence),
    offsets within the piece: the same for every order a table is read in, and for every decode of it
    (`_model`: the tagger's model generation, part of the cache's key)."""
    out: list[tuple] = []
    tg = tagger.tagged(text) if s.tagger_weight else None
    # an OCR'd copy's figures cut as the figures they stand for ('l00%' is no letter and two digits)
    folded = fold_ocr(text)
    # a speck OCR read between two cells ('12座X13座'): cut on both sides, to be skipped (below)
    specks = [(m.start(), m.end()) for m in _speck_re().finditer(folded) if m.end() - m.start() <= s.speck_len]
    cuts = sorted(_cut_points(folded) | (tg.boundaries(s.tagger_cut) if tg else set())
                  | {c for span in specks for c in span})
    kept = _twice_kept(text)
    # a percentage is a cell's value, never skipped (in part or whole) as no cell on the tagger's word: OCR reads
    # ≥ as '2', and the tagger takes the target before such an actual for noise ('…满意度90%290%')
    percents = [(m.start(), m.end()) for m in _PERCENT.finditer(folded)] if tg else []
    for i, a in enumerate(cuts):
        for b in cuts[i + 1:]:
            whole = a == 0 and b == len(text)
            if b - a > s.max_piece and not whole:
                break
            if kept and not whole and not _keeps_twice(kept, a, b):
                continue
            sub = text[a:b]
            tag = (tg, a, b) if tg else None
            if whole or _edge_ok(folded[a:b]):
                out.append((a, b, sub, not whole, cut_penalty(folded, a, b, s), tag))
            elif b == cuts[i + 1]:
                # no cell reads this stretch ('3、' of a page marker): it may be skipped, at a cost
                out.append((a, b, sub, True, JUNK, tag))
                continue
            if tg and tg.other_share(a, b) >= s.tagger_junk_share \
                    and not any(c <= a and b <= d for c, d in percents):
                out.append((a, b, sub, True, TAGGED_JUNK, tag))
    for m in _LEVEL_POINTS.finditer(text):
        # the points a level label carries ('数量指标15分采购设备…'), printed without the brackets that
        # let the stream skip them: no cell of the row
        out.append((m.start(), m.end(), m.group(), True, POINTS_NOTE, None))
    for a, b in specks:
        out.append((a, b, text[a:b], True, SPECK, None))
    for a, b in side_labels_in(text):
        # the table's side label ('绩效指标' in a merged cell beside the rows) printed among them where a
        # page of the copy broke: no cell of the row ('…库存绩效指标', '绩效指标预决算信息公开性')
        out.append((a, b, text[a:b], True, SIDE_LABEL, None))
    return tuple(out)


_PERCENT = re.compile(r"\d+(?:\.\d+)?[%％]")


def _tag_roles(cols: list[str]) -> list[tuple[int, bool]]:
    """Per decoder state (the blank state last): the tagger's role index, and whether it continues a cell."""
    out = [(tagger.ROLE_INDEX[tagger.DECODER_ROLE[c]] if c in tagger.DECODER_ROLE else None, c == "name_more")
           for c in cols]
    return out + [(tagger.ROLE_INDEX["other"], False)]  # the blank state: no cell


# --- Viterbi over the lattice ---------------------------------------------------------------

STRUCTURAL = ("level1", "level2", "name", "name_more")


def grammar_columns(roles: list[str]) -> list[str]:
    """The row grammar: the header's columns in printed order, levels and name included.

    A header without level columns still allows level cells before the name (web
    copies print '产出指标' rows even where the header says only 指标名称).
    """
    cols = list(dict.fromkeys(roles))
    if "name" not in cols:
        # a header that prints no 三级指标 column: the name comes after the level columns it does print
        levels = [i for i, c in enumerate(cols) if c in ("level1", "level2")]
        cols.insert(levels[-1] + 1 if levels else 0, "name")
    for lv in ("level2", "level1"):
        if lv not in cols:
            cols.insert(cols.index("name") if lv == "level2" else min(cols.index("name"), cols.index("level2")), lv)
    # the rest of a name that wrapped onto the next line or cell ('培训合格' / '率'), joined to the name
    cols.insert(cols.index("name") + 1, "name_more")
    return cols


def decode(pieces: list[Piece], roles: list[str], s: DecodeSettings = SETTINGS,
           columns: dict[str, int] | None = None, bound: float | None = None) -> Decoded:
    """The cheapest labelling of `pieces` as rows of the header's columns, in the header's order.

    `roles` are the header's columns in printed order (levels and name may be among them, anywhere);
    any column may be missing from a row at its skip cost, a level cell is carried down, and every
    row needs a name. `columns` (role -> grid column) makes a cell's position evidence for its label.
    `bound`: a reading costing more is of no use to the caller; where the decoder can prove that every
    reading does (`_rest_bonus`), it stops and answers no reading (cost INF).
    """
    cols = grammar_columns(roles)
    nc = len(cols)
    name_more = cols.index("name_more")
    name_at = cols.index("name")
    no_field = [holds_no_field(c) for c in cols]
    context = [is_context(c) for c in cols]
    blank = nc  # an unfilled template row ('生态效益指标 | 无') or a stray placeholder
    skip = [0.0 if c in ("level1", "level2", "name_more") else (s.name_missing if c == "name" else _skip_cost(c, s))
            for c in cols]
    prefix = [0.0]
    for c in skip:
        prefix.append(prefix[-1] + c)

    def skipped(i: int, j: int) -> float:  # columns i..j-1 left out
        return prefix[j] - prefix[i] if j > i else 0.0

    def trans(a: int, b: int) -> float:
        if b == blank:
            return 0.0 if a == blank or a < 0 else skipped(a + 1, nc)
        if a == blank or a < 0:
            return skipped(0, b)
        if b > a:
            return skipped(a + 1, b)
        if cols[a] in ("level1", "level2") and cols[b] in ("level1", "level2"):
            return s.level_without_rows  # a level printed over an empty block ('经济效益指标 | | |')
        # a new row: the rest of this one and the start of the next are left out
        return skipped(a + 1, nc) + skipped(0, b)

    trans_m = [[trans(a, b) for b in range(nc + 1)] for a in range(nc + 1)]
    start_row = [trans(-1, b) for b in range(nc + 1)]
    n, edges = lattice(pieces, s)
    piece_at: dict[int, Piece] = {}
    midline: set[int] = set()  # offsets of pieces printed on the line of the piece before them
    pos = 0
    whole_glued = {}
    for k, p in enumerate(pieces):
        piece_at[pos] = p
        if k and p.loc.line_start is not None and not p.row_first and _same_line(pieces[k - 1], p):
            midline.add(pos)
        if p.sure_glued:
            whole_glued[pos] = pos + len(p.text)
        pos += len(p.text)
    # best[node][state] = (cost, prev node, prev state, text, loc, inner)
    # (a node's states made when an edge first reaches it: most nodes are inside pieces no edge starts from)
    best: defaultdict[int, dict[int, tuple]] = defaultdict(dict)
    best[0][-1] = (0.0, -1, -1, "", Loc(), False)
    emit_cache: dict[tuple[str, bool, bool], dict[int, float]] = {}
    cols_key = tuple(cols)
    tag_roles = _tag_roles(cols)
    rest = _rest_bonus(pieces, s) if bound is not None and bound < INF else None
    for u in range(n + 1):
        if not best.get(u):
            continue
        if rest is not None and u in rest and min(c[0] for c in best[u].values()) - rest[u] > bound + BOUND_SLACK:
            return Decoded(steps=[], cost=INF, settings=s)  # no reading gets back under the bound
        for v, text, loc, inner, penalty, tag in edges[u]:
            glued = inner or whole_glued.get(u) == v
            key = (text, inner, glued)
            if penalty is TAGGED_JUNK or penalty is POINTS_NOTE or penalty is SIDE_LABEL or penalty is SPECK:
                # no cell at all (a page marker, a header, a total run into the rows, a level's points, a
                # side label, a speck OCR read): skipped without a label, so the row it interrupts goes on after it
                if penalty is POINTS_NOTE:
                    extra = s.points_note
                elif penalty is SPECK:
                    extra = s.speck
                elif penalty is SIDE_LABEL:
                    extra = s.side_label
                else:
                    tg, a, b = tag
                    extra = s.tagger_junk + s.tagger_weight * tg.cost(a, b, tagger.ROLE_INDEX["other"])
                for st, (cost_a, _, _, prev_text, _, _) in list(best[u].items()):
                    cur = best[v].get(st)
                    if cur is None or cost_a + extra < cur[0]:
                        best[v][st] = (cost_a + extra, u, st, prev_text, loc, SKIPPED)
                continue
            if penalty is JUNK:
                emit = {blank: s.junk}
                penalty = 0.0
            else:
                emit = emit_cache.get(key)
                if emit is None:
                    emit = emit_cache[key] = _shared_emissions(text, cols_key, inner, glued, s)
            if not emit:
                continue
            emit = dict(emit)
            if penalty:
                for k in emit:
                    emit[k] += penalty
            if tag is not None:
                tg, a, b = tag
                named = _lexicon_named(text)
                for k in emit:
                    role, continued = tag_roles[k]
                    # a column the tagger has no role for (指标解释, 计量单位, …) gets no evidence against it
                    c = tg.cost(a, b, role, continued) if role is not None else tg.cost_any(a, b)
                    if named and named == cols_key[k]:
                        # the lexicon's wording names the cell: the tagger's say is capped
                        c = min(c, s.tagger_cap_name if named == "name" else s.tagger_cap_description)
                    emit[k] += s.tagger_weight * c
            piece = piece_at.get(u) if not inner else None
            grid_piece = piece is not None and piece.col is not None
            # a row known to have lost its name starts here without paying for the name
            nameless = s.name_missing - s.nameless_row if piece is not None and piece.nameless else 0.0
            if grid_piece and name_more in emit:
                emit.pop(name_more)  # in a grid a wrapped name stays in its cell: the reader joined it
            if grid_piece and columns:
                for k in emit:
                    want = columns.get(cols[k]) if k < nc else None
                    if want is not None and want != piece.col:
                        emit[k] += s.off_column
                    elif want is not None and cols[k] == "basis" and value_cost("basis", text, s) == s.basis_other_text:
                        emit[k] -= s.basis_other_text - s.basis_in_column
                if not inner and "level2" in cols and columns.get("level2") == piece.col and _unlisted_level(text):
                    # a short label in the grid's 二级指标 column is a level-2 of a family the lexicon does not
                    # name ('预算编制' under '投入'); without it the row's level cells were dropped
                    k2 = cols.index("level2")
                    emit.setdefault(k2, s.unlisted_level_in_column)
            for a, (cost_a, _, _, prev_text, _, _) in best[u].items():
                row_a = trans_m[a] if a >= 0 else start_row
                for b, e in emit.items():
                    t = row_a[b]
                    if t == INF:
                        continue
                    if nameless and name_at < b < nc and (a < 0 or a >= nc or b <= a):
                        t -= nameless
                    pc = 0.0
                    if 0 <= a < nc and b < nc and b > a and cols[a] not in STRUCTURAL and cols[b] not in STRUCTURAL:
                        pc = pair_cost(cols[a], prev_text, cols[b], text, s)
                    elif 0 <= a < nc and b < nc and cols[a] == "name" and cols[b] in ("target", "actual"):
                        pc = name_value_cost(prev_text, text, s)
                    if grid_piece and 0 <= a < nc and b < nc:
                        if piece.row_first and b > a:
                            pc += s.value_across_rows  # the row above goes on into this grid row
                        elif not piece.row_first and b <= a:
                            pc += s.new_row_midline  # a new indicator in the middle of a grid row
                    elif piece is not None and b < nc and context[b] and u in midline and not (0 <= a < nc and context[a]):
                        pc += s.context_midline
                    elif piece is not None and piece.row_first and 0 <= a < b < nc and not no_field[a]:
                        # a line whose blank cells vanished still starts a row (but a block's duty and task,
                        # a merged cell printed on a line of its own, go on into the next line's row)
                        pc += s.value_across_lines
                    total = cost_a + t + e + pc
                    cur = best[v].get(b)
                    if cur is None or total < cur[0]:
                        best[v][b] = (total, u, a, text, loc, inner)
    def tail(st: int) -> float:  # an excerpt may end anywhere; a level label last costs nothing more
        return 0.0 if st >= nc or cols[st] in ("level1", "level2") else skipped(st + 1, nc)

    finals = sorted((cost + tail(st), st) for st, (cost, *_r) in best[n].items() if st >= 0)
    if not finals:
        return Decoded(steps=[], cost=INF, settings=s)
    total, st = finals[0]
    steps: list[Step] = []
    node = n
    while node > 0:
        if st not in best[node]:
            break
        cost, u, a, text, loc, inner = best[node][st]
        if inner is SKIPPED:
            node, st = u, a
            continue
        if st < 0:
            break
        label = cols[st] if st < nc else "blank"
        piece = piece_at.get(u) if not inner else None
        steps.append(Step(text=text, loc=loc, label=label, cost=cost, inner=inner, col_index=st,
                          nameless=piece is not None and piece.nameless))
        node, st = u, a
    steps.reverse()
    prev = 0.0
    for stp in steps:  # cumulative -> own cost
        stp.cost, prev = stp.cost - prev, stp.cost
    runner = finals[1][0] if len(finals) > 1 else None
    return Decoded(steps=steps, cost=total, runner_up_cost=runner, settings=s)


def _same_line(a: Piece, b: Piece) -> bool:
    return (a.loc.page, a.loc.sheet, a.loc.table, a.loc.row, a.loc.line_start) == \
        (b.loc.page, b.loc.sheet, b.loc.table, b.loc.row, b.loc.line_start)


BOUND_SLACK = 1e-6  # far above the rounding of a sum of costs, far below any cost


@lru_cache(maxsize=16)
def _costs_only_add(s: DecodeSettings) -> bool:
    """Does every cost of `s` but the bonus of a target printed twice add (is none below zero)?"""
    return all(getattr(s, f.name) >= 0 for f in fields(s) if f.name != "equal_target_actual")


def _rest_bonus(pieces: list[Piece], s: DecodeSettings) -> dict[int, float] | None:
    """Node (a piece's start) -> the most a reading can gain back over the pieces from there on: the bonus of a
    value printed twice (equal_target_actual) and of bare figures after a name with its unit (name_value_cost),
    the only costs below zero. So the cheapest reading from a node costs at least the cheapest state there less
    this. Only where each piece is one edge of the lattice (none glued) and every other cost adds."""
    if not _costs_only_add(s) or any(p.glued or not p.text for p in pieces):
        return None
    twice = max(0.0, -s.equal_target_actual)
    # (a name with its unit ends in its bracket: name_value_cost is asked only after one)
    gains = [(twice if k and p.text == pieces[k - 1].text else 0.0)
             + (-min(0.0, name_value_cost(pieces[k - 1].text, p.text, s))
                if k and pieces[k - 1].text.endswith((")", "）")) else 0.0)
             for k, p in enumerate(pieces)]
    out: dict[int, float] = {}
    total, pos = 0.0, sum(len(p.text) for p in pieces)
    for p, g in zip(reversed(pieces), reversed(gains)):
        total += g
        pos -= len(p.text)
        out[pos] = total
    return out


@lru_cache(maxsize=1 << 16)
def _shared_emissions(text: str, cols: tuple[str, ...], inner: bool, glued: bool, s: DecodeSettings) -> dict[int, float]:
    """`_emissions`, once per text and columns over all decodes: a table is decoded under each of its orders
    and again where a reading is weighed against another (nameless, a rival grammar), most cells each time.
    (The caller copies the answer before adding to it.)"""
    return _emissions(text, list(cols), inner, glued, s)


_SHORT_LABEL = re.compile(r"[\u4e00-\u9fff]{2,8}")


def _unlisted_level(text: str) -> bool:
    """A short label of CJK words only ('预算编制') that is no known level, header word or placeholder."""
    t = fold_cell(text)
    return bool(_SHORT_LABEL.fullmatch(t)) and not _is_level(t) and column_role(t) is None \
        and not lexicon().placeholder_row.fullmatch(t)


def _emissions(text: str, cols: list[str], inner: bool, glued: bool, s: DecodeSettings) -> dict[int, float]:
    """Cost of `text` under every label it can take (state index -> cost)."""
    out: dict[int, float] = {}
    vocab_inside = glued and _holds_vocabulary(text)
    name_only = inner and bool(_name_with_figure().match(text))
    for k, col in enumerate(cols):
        if name_only and col != "name":
            continue
        if col.startswith(LONG_TERM):
            # the long-term copy of a column (长期 | 年度 groups): read as the column it copies
            base = col[len(LONG_TERM):]
            e = (0.0 if _is_level(text) else INF) if base in ("level1", "level2") else \
                name_cost(text, s) if base == "name" else value_cost(base, text, s)
        elif col == "level1":
            # '成本指标' is a level-1 of some templates and a level-2 of others: level-2 unless a level-2 follows
            e = (s.ambiguous_level_as_level1 if is_level2(text) else 0.0) if is_level1(text) else \
                s.unknown_level_as_level1 if is_unknown_level(text) else \
                s.scrambled_level if glued and scrambled_level1(strip_score(text)) else INF  # '意指满度标(10分)'
        elif col == "level2":
            # national templates nest one level-1 family inside another (实施效果指标 > 产出指标)
            e = 0.0 if is_level2(text) else (s.level1_as_level2 if is_level1(text) else
                                               s.unknown_level_as_level2 if is_unknown_level(text) else INF)
        elif col == "name_more":
            e = name_cost(text, s) + s.name_wrapped if not inner else INF
            if text.startswith(lexicon().description_cues):
                # '反映…情况' explains the name, it does not continue it (a clause, the more so)
                e += s.description_as_value if len(text) >= DESCRIPTION_MIN_LEN else s.description_inside_name
            if _numbered_name(text):
                e += s.numbered_name_as_value  # '指标3:…' starts the next name, it does not continue this one
        elif col == "name":
            e = name_cost(text, s)
            if inner and text.endswith(_unit_words()):
                e += s.name_ends_with_unit
            if inner and text[:1].isdigit() and not _calendar_name().match(text):
                e += s.glued_name_starts_with_digit  # (a date of the calendar starts a name as printed)
            if glued and any(text.find(c) > 0 for c in lexicon().description_cues):
                e += s.description_inside_name  # '…次数反映…情况': the explanation ran into the name
        else:
            e = value_cost(col, text, s)
            if inner and col == "description" and _description_runs_on(text):
                e += s.description_run_on  # '反映…情况无安全事故': the explanation ran into the row's next cells
            if glued and col == "description" and not text.startswith(lexicon().description_cues) \
                    and any(text.find(c) > 0 for c in lexicon().description_cues):
                e += s.description_inside_name  # '改造学校数量反映…': the name ran into the explanation
            if inner and col in ("measure_unit", "unit_column") and text not in _unit_words():
                e += s.unknown_unit  # cut out of glued text, a unit column holds a unit we know
            elif col in ("measure_unit", "unit_column") and text not in _unit_words() \
                    and text.startswith(lexicon().value_cues):
                e += s.unknown_unit  # '提高', '合格': a qualitative value, where the unit cell was left blank
            if col in ("target", "actual", "adjusted_target") and text in _unit_words() and (
                    inner or "unit_column" in cols or "measure_unit" in cols):
                e += s.unit_as_value  # '万亩' alone, where units have a column or cells ran together, is the unit
            if "unit_column" in cols and col in ("target", "actual", "adjusted_target") and e < INF:
                m = parse_measure(text)
                if m is not None and m.unit:
                    e += s.unit_beside_unit_column  # the table prints units in their own column
            if inner and col in ("target", "actual", "adjusted_target") and not _DIGIT.search(text) \
                    and text.endswith(_unit_words()) and len(text) > 3 and _CJK.match(text) \
                    and not text.startswith(lexicon().value_cues):
                # '受害率%': the next row's name and its unit column, not a value ('明显提升' is a value that
                # merely ends in a unit's character: 升)
                e += s.name_and_unit_as_value
            if inner and col in ("target", "actual", "adjusted_target") and len(text) > s.glued_text_value_len \
                    and not _DIGIT.search(text) and not text.startswith(lexicon().value_cues):
                e += s.glued_text_value  # long words cut out of glued text are names, values are short
        if e == INF:
            continue
        if vocab_inside and col not in ("level1", "level2"):
            e += s.vocabulary_inside  # a level name or header inside a cell: cut there
        if glued and not inner and col not in ("level1", "level2"):
            # words and numbers run together, taken as one cell: the more figures inside, the less likely
            e += s.glued_whole + s.glued_whole_per_figure * max(0, len(_FIGURE.findall(text)) - 1)
        out[k] = e + (s.glued_piece if inner else 0.0)
    if is_empty_value(text) or lexicon().placeholder_row.fullmatch(text):
        out[len(cols)] = s.blank_row + (s.glued_piece if inner else 0.0)
    elif not inner:
        # any cell may be page furniture that no column reads ('qrcode'), at a price that grows with its length
        out[len(cols)] = s.junk + s.junk_per_char * len(text) + (s.glued_whole if glued else 0.0)
    return out


# --- confidence -------------------------------------------------------------------------------

def row_alternatives(values: list[str], roles: list[str], s: DecodeSettings = SETTINGS, k: int = 2) -> list[tuple[float, tuple[str, ...]]]:
    """The k cheapest ways to give a row's value pieces to the header's columns, in order."""
    from itertools import combinations

    out = []
    n, m = len(values), len(roles)
    if n > m:
        return []
    total_skip = sum(_skip_cost(r, s) for r in roles)
    for pos in combinations(range(m), n):
        cost = total_skip
        prev = None
        for piece, p in zip(values, pos):
            cost += value_cost(roles[p], piece, s) - _skip_cost(roles[p], s)
            if prev is not None:
                cost += pair_cost(roles[prev[1]], prev[0], roles[p], piece, s)
            prev = (piece, p)
        if cost < INF:
            out.append((cost, tuple(roles[p] for p in pos)))
    out.sort()
    return out[:k]


def confidence(margin: float | None) -> float:
    """0 when the runner-up reading costs the same, towards 1 as it costs more."""
    if margin is None or margin == INF:
        return 1.0
    return round(1.0 - math.exp(-max(0.0, margin)), 3)


def row_confidence(values: list[str], roles: list[str], s: DecodeSettings = SETTINGS) -> tuple[float, tuple | None]:
    """Confidence of one row's reading, and the runner-up reading (cost, roles) when there is one."""
    alts = row_alternatives(values, roles, s)
    if len(alts) < 2:
        return 1.0, None
    return confidence(alts[1][0] - alts[0][0]), alts[1]


# --- a glued row, read again with its own arithmetic ------------------------------------------

def row_cost(values: list[str], assigned: tuple[str, ...], roles: list[str], s: DecodeSettings = SETTINGS) -> float:
    """Cost of one row's reading as a whole: cells, skipped columns, and the row's arithmetic."""
    cost = sum(_skip_cost(r, s) for r in roles if r not in assigned)
    got = dict(zip(assigned, values))
    for role, v in zip(assigned, values):
        cost += value_cost(role, v, s)
        if role in ("target", "actual", "adjusted_target") and v in _unit_words():
            cost += s.unit_as_value
        if "unit_column" in roles and role in ("target", "actual", "adjusted_target"):
            m = parse_measure(v)
            if m is not None and m.unit:
                cost += s.unit_beside_unit_column
    for (r1, v1), (r2, v2) in zip(zip(assigned, values), zip(assigned[1:], values[1:])):
        cost += pair_cost(r1, v1, r2, v2, s)
    w, sc = parse_number(got.get("weight")), parse_number(got.get("score"))
    if w is not None and sc is not None and sc > w + 1e-9 and "weight" in assigned and "score" in assigned \
            and abs(assigned.index("weight") - assigned.index("score")) > 1:
        cost += s.score_above_weight  # not adjacent, so pair_cost did not see it
    if w is not None and w != int(w):
        cost += s.fractional_weight
    if w == 0:
        cost += s.zero_weight  # a row worth nothing is rare; a cut in the wrong place is not
    if w is not None and w > s.large_weight:
        cost += s.large_weight_cost
    coef = got.get("coef")
    if coef is not None and w is not None and sc is not None:
        c = (parse_number(coef.rstrip("%")) or 0) / (100 if coef.endswith("%") or float(parse_number(coef.rstrip("%")) or 0) > 1.5 else 1)
        if abs(w * c - sc) > max(0.05 * w, 0.01):
            cost += s.coef_mismatch  # 得分 = 分值 × 得分系数 in the templates that print a coefficient
    if w is not None and sc is not None and sc < w - 1e-9:
        cost += s.score_below_weight  # most rows score full marks; a deduction needs the evidence
    t, a = parse_measure(got.get("target")), parse_measure(got.get("actual"))
    if t is not None and a is not None and t.num and a.num and not t.unit and not a.unit:
        ratio = a.num / t.num
        if ratio > s.actual_target_ratio or ratio < 1 / s.actual_target_ratio:
            cost += s.far_actual
    return cost


def _between_words(text: str, i: int) -> bool:
    """A cut at i falls between two characters of text ('公开|已公开'), not beside a figure or a sign."""
    return bool(_CJK.match(text[i - 1])) and bool(_CJK.match(text[i]))


def redecode_glued_row(text: str, roles: list[str], s: DecodeSettings = SETTINGS,
                       word_cuts: set[int] | None = None) -> list[tuple[str, str]] | None:
    """The best (role, text) cells for a row's values printed as one glued string ('2810810').

    `word_cuts`: where the first reading (its lattice, with the tagger's evidence) cut between two characters
    of text. Given, those cuts stay: the row's arithmetic moves the cuts among figures, but between two words
    it has no evidence of its own ('按规定公开|已公开' is no sum); it may still cut text the first reading left
    whole ('高高' where the repeated word is a target and its actual)."""
    text, word_cuts = _without_specks(text, word_cuts, s)
    best = _redecoded(text, tuple(roles), s, None if word_cuts is None else frozenset(word_cuts))
    return list(best) if best is not None else None


@lru_cache(maxsize=1)
def _speck_re() -> re.Pattern:
    marks = alternation(lexicon().ocr_specks) if lexicon().ocr_specks else None
    # Latin letters alone between two cells; not OCR's letters for digits ('l00%'), not a longer word ('qrcode')
    letters = r"(?<![A-Za-z])(?=[A-Za-z]{1,%d}(?![A-Za-z]))(?![%s]+(?![A-Za-z]))[A-Za-z]+" % (
        SETTINGS.speck_len, re.escape("".join(lexicon().ocr_digits)))
    return re.compile(letters + (f"|{marks}" if marks else ""))


def _without_specks(text: str, word_cuts: set[int] | None, s: DecodeSettings) -> tuple[str, set[int] | None]:
    """A row's values with the specks OCR read between them taken out ('50人r52人77': '50人52人77'), the first
    reading's cuts moved with the text; without them no partition of the row reads every part as a cell."""
    # (found where OCR's letters for digits and operators are read as those: 'S67O.21万兀' holds no speck)
    spans = [(m.start(), m.end()) for m in _speck_re().finditer(fold_ocr(text)) if m.end() - m.start() <= s.speck_len]
    if not spans:
        return text, word_cuts
    keep = [i for i in range(len(text)) if not any(a <= i < b for a, b in spans)]
    new_at = {old: new for new, old in enumerate(keep)}
    new_at[len(text)] = len(keep)
    cuts = None if word_cuts is None else {new_at[c] for c in word_cuts if c in new_at}
    return "".join(text[i] for i in keep), cuts


@lru_cache(maxsize=1 << 12)
def _redecoded(text: str, roles: tuple[str, ...], s: DecodeSettings,
               word_cuts: frozenset[int] | None) -> tuple[tuple[str, str], ...] | None:
    """redecode_glued_row's answer, once per row text: a table is read under each of its orders and
    its rows again after, and a glued row's search over cuts and columns is the same each time."""
    from itertools import combinations

    # (cut and judged as the figures OCR's letters stand for, as the first reading is: 'l00%IOO%1010')
    folded = fold_ocr(text)
    cuts = sorted(_cut_points(folded) - {0, len(text)})
    kept: tuple[int, ...] = ()
    if word_cuts is not None:
        kept = tuple(sorted(c for c in word_cuts if 0 < c < len(text) and _between_words(text, c)))
        cuts = [c for c in cuts if c not in kept]
    if len(cuts) > s.max_row_cuts:
        return None
    best = None
    for k in range(0, min(len(cuts), len(roles) - 1 - len(kept)) + 1):
        for chosen in combinations(cuts, k):
            bounds = (0, *sorted(chosen + kept), len(text))
            parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
            if not all(_edge_ok(folded[a:b]) for a, b in zip(bounds, bounds[1:])):
                continue
            penalty = sum(cut_penalty(folded, a, b, s) for a, b in zip(bounds, bounds[1:]))
            judged = [folded[a:b] for a, b in zip(bounds, bounds[1:])]  # 'O1O' has a leading zero
            for pos in combinations(range(len(roles)), len(parts)):
                assigned = tuple(roles[p] for p in pos)
                c = row_cost(judged, assigned, roles, s) + (len(parts) - 1) * s.glued_piece + penalty
                if c < INF and (best is None or c < best[0]):
                    best = (c, tuple(zip(assigned, parts)))
    return best[1] if best else None
