"""The indicator table of a web copy, whose cells lost their positions.

Finds the header in the stream of cells (a two-row header printed flat is put
back in order), joins cells a copy broke apart (wrapped labels, brackets split
at their spaces), puts pieces cut out of one glued string back together, and
hands the pieces to the decoder (etl/parse/decode.py), which labels them
against the header's row grammar.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from etl.lexicon import lexicon
from etl.normalise.measure import parse_measure, parse_number
from etl.parse.cells import cell_text, is_empty_value
from etl.parse import tagger
from etl.parse.decode import SETTINGS as DECODE
from etl.parse.decode import DESCRIPTION_MIN_LEN, DecodeSettings, Decoded, Piece, decode, holds_cells, is_glued_piece
from etl.parse.indicators import VALUE_COLUMNS, TableResult, is_value, missing_value_roles, nameless_reading, rows_from_steps
from etl.parse.parse_settings import DEFAULT, ParseSettings
from etl.parse import scrambled
from etl.parse.flat_wraps import flat_wrap_readings, rest_follows
from etl.parse.segment import bare_title_in_run
from etl.parse.wrapped import SETTINGS as WRAP_SETTINGS
from etl.parse.wrapped import WrapSettings, mends_token, two_values
from etl.parse.totals import GRADES, leading_figures, read_total
from etl.parse.vocab import (
    END_OF_TABLE_RE,
    TOTAL_ROW_RE,
    LONG_TERM,
    column_period,
    column_role,
    fold_cell,
    header_roles,
    holds_no_field,
    is_level1,
    is_level2,
    is_target_part_unit,
    no_field_role,
    title_kind,
)
from etl.records import Indicator, Loc, Row

_OUTER_LEVEL1 = lexicon().level1_as_level2_under
_SEPARATOR = re.compile(r"[|｜¦]+")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_ANNOTATION = re.compile(r"[(（][^)）]{1,10}[)）]")
# a level's score part on its own, or half of it where a line broke inside: '(50分)', '30分)', '(30分'
_SCORE_NOTE = re.compile(r"[（(]\d+(\.\d+)?分[)）]?|\d+(\.\d+)?分[)）]")
_SKIP = lexicon().header_side_words  # a header's side label over the indicator columns ('绩效指标'), no column
_VALUE_ROLES = ("description", "nature", "target", "measure_unit", "adjusted_target", "actual", "coef", "weight", "score", "remark",
                "reason", "basis", "core", "direction")


@dataclass
class Tok:
    text: str
    loc: Loc
    glued: bool = False


def tokens(rows: list[Row], s: DecodeSettings = DECODE) -> list[Tok]:
    out = []
    for r in rows:
        wrapped = _glued_at_wraps(r, s)
        for c in r.cells:
            t = cell_text(c.text)
            if t and not _SEPARATOR.fullmatch(t):  # a table's '|' left between cells by the copy is no cell
                out.append(Tok(t, c.loc if c.loc.line_start or c.loc.row else r.loc, c.glued or wrapped))
    return _join_split_header(_join_wrapped_header_words(_join_broken_labels(_join_open_brackets(
        _join_spaced_characters(out)))))


def _join_wrapped_header_words(toks: list[Tok]) -> list[Tok]:
    """'指标值确定依' over '据', '偏差原因分析及改进措' over '施': a header cell wrapped at its column's width, its
    rest printed on a later line (after the header's other cells). A header piece that is no header word is
    joined to the first short piece of a later line with which it makes one, within the header's reach."""
    words = lexicon().header_words
    out = list(toks)
    used: set[int] = set()
    joined: dict[int, Tok] = {}
    for k, t in enumerate(out):
        if k in used or t.loc.line_start is None or t.text in words or not column_role(t.text):
            continue
        # the cell's first line may itself have been split at a space ('指标值确 定' over '依据')
        head = [t]
        if (k + 1 < len(out) and k + 1 not in used and _line(out[k + 1]) == _line(t)
                and t.text + out[k + 1].text not in words):
            head.append(out[k + 1])
        for n in range(len(head), 0, -1):
            text = "".join(h.text for h in head[:n])
            if not column_role(text):
                continue
            for j in range(k + n, min(len(out), k + SPLIT_HEADER_REACH)):
                other = out[j]
                if j in used or other.loc.line_start is None or other.loc.line_start <= t.loc.line_start:
                    continue
                if len(other.text) <= SPLIT_WORD_LEN and text + other.text in words:
                    loc = t.loc
                    for h in head[1:n]:
                        loc = loc.merge(h.loc)
                    joined[k] = Tok(text + other.text, loc.merge(other.loc), t.glued)
                    used.update(range(k + 1, k + n))
                    used.add(j)
                    break
            if k in joined:
                break
    if not joined:
        return out
    return [joined.get(k, t) for k, t in enumerate(out) if k not in used]


MAX_SPACED_WORD = 8  # characters of a header word or level name a copy printed one character a cell


def _line(t: Tok) -> tuple:
    return t.loc.page, t.loc.sheet, t.loc.table, t.loc.row, t.loc.line_start


def _join_spaced_characters(toks: list[Tok]) -> list[Tok]:
    """'指 标 值', '分 值', '产 出 指 标': a narrow header or level cell printed with a space between its
    characters, split by a space-separated copy into one-character cells. In a run of such cells on one
    line, the longest stretch from its start that is a header word or a level name is joined (pairs are
    not enough: '指' '标' '值' holds no pair that names a column, and the '指标' of '二级 指标' would
    take the '值' instead)."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        j = i
        while (j < len(toks) and j - i < MAX_SPACED_WORD and len(toks[j].text) == 1 and _CJK_CHAR.match(toks[j].text)
               and _line(toks[j]) == _line(toks[i])):
            j += 1
        for e in range(j, i + 1, -1):
            word = "".join(t.text for t in toks[i:e])
            if word in lexicon().header_words or is_level1(word) or is_level2(word):
                loc = toks[i].loc
                for t in toks[i + 1:e]:
                    loc = loc.merge(t.loc)
                out.append(Tok(word, loc, toks[i].glued))
                i = e
                break
        else:
            out.append(toks[i])
            i += 1
    return out


SPLIT_HEADER_REACH = 12  # tokens back from a header's second line in which its first line's stems are looked for


def _join_split_header(toks: list[Tok]) -> list[Tok]:
    """'年度 实际 分值 得分 偏差原因…' over '指标值 完成值' (a two-line header cell by cell): the stems of the
    first line and the completions of the second are joined pairwise, where each join names a column."""
    lx = lexicon()
    out = list(toks)
    i = 0
    while i < len(out):
        if out[i].text not in lx.header_completions:
            i += 1
            continue
        j = i
        while j < len(out) and out[j].text in lx.header_completions:
            j += 1
        completions = out[i:j]
        stems = [k for k in range(max(0, i - SPLIT_HEADER_REACH), i) if out[k].text in lx.header_stems]
        if len(stems) == len(completions) and all(
                column_role(out[k].text + c.text) for k, c in zip(stems, completions)):
            for k, c in zip(stems, completions):
                out[k] = Tok(out[k].text + c.text, out[k].loc.merge(c.loc), out[k].glued)
            del out[i:j]
            continue
        i = j
    return _join_split_words(out)


def _join_split_words(toks: list[Tok]) -> list[Tok]:
    """A PDF's text layer prints a two-line header cell by cell with the words cut anywhere ('年初指 年终完 …'
    over '标值 成值'): around a header, a piece that names nothing is joined to the first later piece with which
    it names a column or a level ('年初指' + '标值' = 年初指标值). Pairs are taken in order, as the lines were."""
    out = list(toks)
    anchors = [k for k, t in enumerate(out) if column_role(t.text) in ("level1", "level2", "name")]
    if not anchors:
        return out
    lo, hi = max(0, anchors[0] - SPLIT_HEADER_REACH), min(len(out), anchors[-1] + SPLIT_HEADER_REACH)
    used: set[int] = set()
    joined: dict[int, Tok] = {}
    last = lo
    for k in range(lo, hi):
        t = out[k].text
        if k in used or len(t) > SPLIT_WORD_LEN or column_role(t) or is_level1(t) or is_level2(t):
            continue
        for j in range(max(k + 1, last), hi):
            other = out[j].text
            if j in used or len(other) > SPLIT_WORD_LEN:
                continue
            whole = t + other
            if (column_role(whole) and not column_role(other)) or ((is_level1(whole) or is_level2(whole))
                                                                    and not (is_level1(other) or is_level2(other))):
                joined[k] = Tok(whole, out[k].loc.merge(out[j].loc), out[k].glued)
                used.add(j)
                last = j + 1
                break
    if not joined:
        return out
    return [joined.get(k, t) for k, t in enumerate(out) if k not in used]


SPLIT_WORD_LEN = 4  # characters of a word's piece a PDF cut off (年初指, 标值, 数量指)


def _glued_at_wraps(row: Row, s: DecodeSettings = DECODE) -> bool:
    """A line whose cells ran together and whose spaces are only where a long cell wrapped in its column
    ('产出 指标(50分)数量 指标养护道路 里程≥120公里126公里2020'): a reader splitting it at the spaces
    gets pieces of words, not cells. It holds a piece with a name and its values run together, and the
    cell tagger reads most of its spaces as inside a cell (a copy whose spaces separate cells, even one
    that also wrapped some, has most of them between cells). Its cells are then glued text: the stream
    puts them back together and the decoder's lattice cuts them."""
    texts = [c.text for c in row.cells if c.text.strip()]
    if len(texts) < 2 or not s.tagger_weight or not any(is_glued_piece(t, s) for t in texts) or not tagger.available():
        return False
    tg = tagger.tagged("".join(texts))
    pos = inside = 0
    for a, b in zip(texts, texts[1:]):
        pos += len(a)
        inside += tg.begin[pos] < s.tagger_cut
    return inside >= s.wrapped_line_share * (len(texts) - 1)


MAX_BRACKET_JOIN = 3  # a bracket left open is closed within this many following cells, or left alone


def _join_open_brackets(toks: list[Tok]) -> list[Tok]:
    """'数量(' '≥**个' ')' -> '数量( ≥**个 )': a space-separated copy split a cell at the spaces inside its brackets."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        depth = t.text.count("(") + t.text.count("（") - t.text.count(")") - t.text.count("）")
        if depth > 0:
            for j in range(i + 1, min(len(toks), i + 1 + MAX_BRACKET_JOIN)):
                part = toks[j].text
                depth += part.count("(") + part.count("（") - part.count(")") - part.count("）")
                if depth <= 0:
                    loc = t.loc
                    for k in range(i + 1, j + 1):
                        loc = loc.merge(toks[k].loc)
                    out.append(Tok(" ".join(x.text for x in toks[i: j + 1]), loc, t.glued))
                    i = j + 1
                    break
            else:
                out.append(t)
                i += 1
            continue
        out.append(t)
        i += 1
    return out


def _join_broken_labels(toks: list[Tok]) -> list[Tok]:
    """'项目完成' + '指标' -> '项目完成指标'; '一级' + '指标' -> '一级指标' (a wrapped label cell)."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if i + 1 < len(toks) and _is_level(t.text) and _ANNOTATION.fullmatch(toks[i + 1].text):
            # '可持续影响指标' '(必填)': a level's note split off at the space before it
            out.append(Tok(t.text + " " + toks[i + 1].text, t.loc.merge(toks[i + 1].loc), t.glued))
            i += 2
            continue
        if i + 1 < len(toks):
            joined = t.text + toks[i + 1].text
            tail = toks[i + 1].text in ("指标", "指标值")
            # (a header word by its literal wording: '指标描' + '指标值' of a spaced '指标描 述' names no column)
            wrapped = tail and not column_role(t.text) and (is_level1(joined) or is_level2(joined)
                                                            or joined in lexicon().header_words)
            # '二级 指标': a header word that names its column alone, wrapped before 指标 (left alone, the
            # '指标' would be joined to a later piece: '指标' + '值' of '分 值' reads as a 指标值 column)
            wrapped = wrapped or (tail and not column_role(toks[i + 1].text) and bool(column_role(t.text))
                                  and column_role(joined) == column_role(t.text))
            if wrapped or (not _is_level(t.text) and len(t.text) <= 6 and _is_level(joined)):
                out.append(Tok(joined, t.loc.merge(toks[i + 1].loc), t.glued))
                i += 2
                continue
        out.append(t)
        i += 1
    return out


def _is_level(t: str) -> bool:
    return is_level1(t) or is_level2(t)


def _header(toks: list[Tok], target_table: bool = False) -> tuple[int, int, list[str]] | None:
    """(start, end, roles in order) of the indicator table's header.

    Anchored on a structural header cell (一级指标 / 二级指标 / 三级指标): the header
    runs left over adjacent header cells (a two-row header printed flat puts
    '年度指标值 实际完成值 …' first) and right allowing one stray cell.
    """
    def role_of(t: str) -> str | None:
        return column_role(t)

    def headerish(t: str) -> bool:
        return bool(role_of(t)) or t in _SKIP or bool(re.fullmatch(r"[（(]\d+分[)）]", t))

    def part_unit(j: int) -> bool:  # '单位' under a split 指标值, after its sign or figure on the same line
        return (j > 0 and is_target_part_unit(toks[j].text) and role_of(toks[j - 1].text) in ("nature", "target")
                and _line(toks[j - 1]) == _line(toks[j]))

    for anchor, tok in enumerate(toks):
        if role_of(tok.text) not in ("level1", "level2", "name"):
            continue
        start = anchor
        while start > 0 and headerish(toks[start - 1].text):
            start -= 1
        seen: set[str] = set()
        j, gap, end = start, 0, start
        while j < len(toks) and gap <= 1:
            role = role_of(toks[j].text)
            if role and (role not in seen or column_period(toks[j].text)):
                seen.add(role)
                gap, end = 0, j + 1
            elif headerish(toks[j].text) or part_unit(j):
                end = j + 1
            else:
                gap += 1
            j += 1
        head = toks[start:end]
        parts, score_parts = _target_parts(head) or (None, None)
        if parts:
            head = [t for t in head if _line(t) != _line(head[-1])]
        roles: list[str] = []
        for role in header_roles([t.text for t in head]):
            if role == "description" and "description" in roles and "name" not in roles:
                roles[roles.index("description")] = "name"  # '指标内容 | 指标描述': a name, then its explanation
            if role and role not in roles:
                roles.append(role)
        if "name" not in roles and "description" in roles:
            roles[roles.index("description")] = "name"  # '指标内容' where no 三级指标 column is printed
        if parts and "target" in roles:
            k = roles.index("target")
            roles[k:k + 1] = [r for r in parts if r == "target" or r not in roles]
        if score_parts and "score" in roles:
            roles = _split_score(roles, score_parts)
        if target_table and "name" in roles and not set(roles) & set(VALUE_COLUMNS):
            end, roles = _unit_columns(toks, end, roles)
        names = set(roles)
        if (len(roles) >= 3 and ("name" in names or {"level1", "level2"} <= names) and names & {"target", "actual"}) \
                or (end - start == 2 and names == {"name", "target"}) \
                or ({"name", "weight", "score"} <= names and names & {"description", "basis", "remark"}):
            # (or a scoring table of an evaluation framework: 投入 | 目标设定 | 绩效目标合理性 | 分值 | 指标解释 |
            # 评价标准 | 得分, which sets no target)
            return start, end, _order(roles)  # (or a list of names and values: '三级指标 | 年度指标值', as grids allow)
        if "name" in names and names & {"weight", "score"} and _unnamed_value_order(head, _order(roles)):
            # the name and the points named, the target and actual in words we do not know (or glued into one
            # piece, '全年预期目标全年实际完成'): a header only if those columns read as values (stream_indicators)
            return start, end, _order(roles)
    return None


def _unit_columns(toks: list[Tok], end: int, roles: list[str]) -> tuple[int, list[str]]:
    """A target table whose header names its value columns by the units they are for ('三级指标 | 指标解释 |
    东山村 | 西岭村 | 南湖村'): the unnamed cells after the named ones on the header's line are columns, the first
    unit's the row's target, the others the same target for other units (no field of the row)."""
    last = _line(toks[end - 1])
    k = end
    while k < len(toks) and _line(toks[k]) == last and not column_role(toks[k].text) \
            and not _is_level(toks[k].text) and parse_number(toks[k].text) is None:
        k += 1
    if k == end or last[-1] is None:
        return end, roles
    extra = ["target"] + [no_field_role("aside", j) for j in range(1, k - end)]
    return k, roles + extra


def _target_parts(head: list[Tok]) -> tuple[list[str], list[str]] | None:
    """A 指标值 column split into its parts on the header's last line ('一级指标 … 预期指标值 实际完成值 …' over
    '符号 数值 单位'): the parts' roles in order (the figure itself where the line leaves it out), and the
    parts of a 得分 split on the same line after them ('自评得分' over '单项指标得分 | 权重占比(%) | 折算得分'),
    else None. The line must name only parts (a sign, a figure, a unit; then a score's), at least one besides
    the figure, under an earlier line that has the 指标值 (and the 得分) they split."""
    last = _line(head[-1]) if head else None
    sub = [t for t in head if _line(t) == last]
    above = [t for t in head if _line(t) != last]
    above_roles = {column_role(t.text) for t in above}
    if len(sub) < 2 or not above or "target" not in above_roles:
        return None
    parts = ["measure_unit" if is_target_part_unit(t.text) else column_role(t.text) for t in sub]
    k = 0
    while k < len(parts) and parts[k] in ("nature", "target", "measure_unit"):
        k += 1
    parts, scored = parts[:k], parts[k:]
    if scored and ("score" not in above_roles or "score" not in scored
                   or any(r not in _SCORE_PARTS for r in scored) or len(set(scored)) < len(scored)):
        return None
    if not parts or len(set(parts)) < len(parts) or set(parts) == {"target"}:
        return None
    if "target" not in parts:
        parts.insert(parts.index("measure_unit") if "measure_unit" in parts else len(parts), "target")
    return parts, scored


_SCORE_PARTS = ("score", "weight", "coef", "aside")  # what a 得分 is split into: 得分 | 权重占比 | 折算得分


def _split_score(roles: list[str], parts: list[str]) -> list[str]:
    """The header's 得分 column replaced by its parts. A weight among them is the row's weight (beside its
    score in the group): a weight column the upper line names elsewhere then holds no field of its own."""
    out = []
    asides = sum(r.startswith("aside") for r in roles)
    for r in roles:
        if r == "weight" and "weight" in parts:
            asides += 1
            out.append(no_field_role("aside", asides))
        elif r == "score":
            for p in parts:
                if p == "aside":
                    asides += 1
                    p = no_field_role("aside", asides)
                out.append(p)
        else:
            out.append(r)
    return out


def _order(roles: list[str]) -> list[str]:
    """The header's columns in table order. A two-row header printed flat ('年度指标值 实际完成值 …
    一级指标 二级指标 三级指标 指标性质 指标值 度量单位') is put back in table order."""
    values = [r for r in roles if r in _VALUE_ROLES]
    if "level1" in roles and roles.index("level1") > 0 and any(r in _VALUE_ROLES for r in roles[: roles.index("level1")]):
        split = {"nature", "measure_unit"} & set(values)
        if split:
            # the sub-header (指标性质 | 指标值 | 度量单位) stands for the 年度指标值 column
            values = ["nature", "target", "measure_unit"] + [r for r in values if r not in ("nature", "target", "measure_unit")]
        return ["level1", "level2", "name"] + values
    return [r for r in roles if r in _VALUE_ROLES or r in ("level1", "level2", "name") or r.startswith(LONG_TERM)
            or holds_no_field(r)]


def _stop(t: str) -> bool:
    s = fold_cell(t)
    return bool(END_OF_TABLE_RE.match(s) or TOTAL_ROW_RE.match(s) or title_kind(t))


def stream_indicators(rows: list[Row], s: ParseSettings = DEFAULT, target_table: bool = False) -> TableResult | None:
    """The indicator table of a copy without its grid. `target_table`: the filing's title says it sets targets
    (a header may then name its value columns by the units they are for)."""
    toks = tokens(rows, s.decode)
    found = _header(toks, target_table)
    if found is None:
        return None
    start, end, roles = found
    table = _read_under(toks, start, end, roles, s)
    alt = _unnamed_value_order(toks[start:end], roles)
    if alt is not None:
        other = _read_under(toks, start, end, alt, s)
        filled = [getattr(i, r) for r in alt if r not in roles for i in other.indicators if getattr(i, r)]
        # (only over values: a word of another column read as a target is as wrong as leaving it to the name)
        if other.decoded.cost < table.decoded.cost and filled \
                and sum(map(is_value, filled)) >= s.content.unnamed_values_share * len(filled):
            return other
    if not set(roles) & {"target", "actual", "description", "basis", "remark"}:
        return None  # a header taken only for its unnamed value columns, which hold none: no header after all
    return table


MAX_GLUED_COLUMNS = 2  # value columns one glued header piece may stand for ('全年预期目标全年实际完成')


def _unnamed_value_order(head: list[Tok], roles: list[str]) -> list[str] | None:
    """A header cell worded as no template we know ('全年预期目标'), printed where the header's one missing value
    column stands (etl/parse/indicators.py `missing_value_roles`, the grid's counterpart), or a piece of a glued
    header standing where two stand: the header's order with those columns put in, to be read beside the order
    without them (the cheaper reading wins, and only over values)."""
    cells = [column_role(t.text) for t in head]
    # (a cell naming a role an earlier cell named, '预期指标值 | 完成指标值', names no column of its own either)
    for k, (t, r) in enumerate(zip(head, cells)):
        if (r is None and t.text not in _SKIP) or (r is not None and r in cells[:k] and not column_period(t.text)):
            fits = missing_value_roles([c for c in cells[:k] if c], [c for c in cells[k + 1:] if c], set(roles))
            if not fits or len(fits) > (MAX_GLUED_COLUMNS if t.glued else 1):
                continue
            after = [c for c in cells[k + 1:] if c in roles]
            at = roles.index(after[0]) if after else len(roles)
            return roles[:at] + fits + roles[at:]
    return None


def _read_under(toks: list[Tok], start: int, end: int, roles: list[str], s: ParseSettings) -> TableResult:
    """The table after the header toks[start:end], read under the header's columns `roles`."""
    # a header that had to be cut out of glued text says the table lost its separators
    table_glued = any(toks[k].glued for k in range(start, end))
    body, i, ended = body_pieces(toks, end, table_glued, s.decode, s.wrap)
    # (a flattened table with an explanation column is read with its wrapped cells joined and as printed: the
    # cheaper reading wins, etl/parse/flat_wraps.py)
    candidates = [join_spaced_units(ps, "measure_unit" in roles) for ps in flat_wrap_readings(body, s, roles)]
    if "measure_unit" in roles and "target" in roles and roles.index("measure_unit") < roles.index("target"):
        # a 计量单位 column of its own (next to the name) is not part of the 指标值 group: not joined to the target
        roles = ["unit_column" if r == "measure_unit" else r for r in roles]
    # a text layer may print a row's cells out of order, or a block of names before their values: the
    # cheapest of the orders such layers print wins (etl/parse/scrambled.py)
    # (wrapped lines are joined between the blocks: a block's names beside their values are no lines of their
    # own, and a line of one value under a line of names is the next name's value, no wrapped rest)
    # (the orders are compared on the decoder's cost; only the winner's rows are built, with their re-reads)
    def read_from(pieces: list[Piece]):
        def read(order: list[str], _columns) -> tuple[Reading, int, int]:
            if order is not roles:  # a block of names is printed under the header's own order
                return read_table(join_wrapped_lines(pieces, order, s), order, s), 0, 0
            joined, zipped = scrambled.zip_name_blocks(pieces, order, s,
                                                       between=lambda ps: join_wrapped_lines(ps, order, s))
            joined, dealt = scrambled.deal_held_back(joined, order, s)
            return read_table(joined, order, s), zipped, dealt
        return scrambled.cheapest_order(read, lambda t: t[0].cost, roles, None, s)

    readings = [(read_from(ps), ps) for ps in candidates]
    ((reading, zipped, dealt), order, _), pieces = min(readings, key=lambda r: r[0][0][0].cost)
    table = table_of(reading, toks, i, ended, s)
    scrambled.mark_rows(table.indicators, table.notes, order, zipped, s, dealt)
    if _scrambled(roles):
        # a copy that lost its grid may print its header scrambled (a spreadsheet's text layer puts the
        # name's header after the values'): its order is then only a hint, and a template's row grammar
        # that reads the rows much more cheaply wins
        rival = cheapest_reading(pieces, lexicon().content_grammars, toks, i, ended, s)
        if rival is not None and rival.decoded.cost + s.content.header_margin < table.decoded.cost:
            rival.notes = (rival.notes or []) + [SCRAMBLED_HEADER]
            return rival
    return table


def _scrambled(roles: list[str]) -> bool:
    """Every template prints the levels and the name before the values; a header that does not is out
    of order (after `_order` has put a flat two-row header back)."""
    first_value = next((k for k, r in enumerate(roles) if r in _VALUE_ROLES), len(roles))
    return any(r in ("level1", "level2", "name") for r in roles[first_value:])


SCRAMBLED_HEADER = "表头顺序与数据不符：指标行按内容读取（请核对）"


def cheapest_reading(pieces: list[Piece], grammars, toks: list[Tok], i: int, ended: bool,
                     s: ParseSettings = DEFAULT) -> TableResult | None:
    """The cheapest reading of `pieces` under any of `grammars`, its rows capped at the confidence of a
    reading without a header."""
    best = None
    explained = any(p.text.startswith(lexicon().description_cues) and len(p.text) >= DESCRIPTION_MIN_LEN
                    for p in pieces)
    dealt = 0
    for grammar in (_with_descriptions(grammars) if explained else grammars):
        roles = list(grammar)
        # rows whose other cells a text layer held back after them are put together under each grammar
        joined, held = scrambled.deal_held_back(join_wrapped_lines(pieces, roles, s), roles, s)
        reading = read_table(joined, roles, s)
        if best is None or reading.cost < best.cost:
            best, dealt = reading, held
    if best is not None:  # (only the cheapest reading's rows are built, with their re-reads)
        best = table_of(best, toks, i, ended, s)
        if dealt:
            best.notes.append(scrambled.DEAL_NOTE)
        for ind in best.indicators:
            ind.parse_confidence = min(ind.parse_confidence or 1.0, s.content.row_confidence)
    return best


def _with_descriptions(grammars) -> list[tuple[str, ...]]:
    """Each grammar, and the same with an explanation column (指标解释) after the name: any template may
    print one, and where no header says so (and the rows hold explanations: '反映…情况') an explanation
    would otherwise be read as a value."""
    out = []
    for g in grammars:
        out.append(tuple(g))
        if "name" in g and "description" not in g:
            k = g.index("name") + 1
            out.append((*g[:k], "description", *g[k:]))
    return list(dict.fromkeys(out))


@dataclass
class Reading:
    """The decoder's labelling of a table body under one order of its columns, before its rows are built
    (building them re-reads glued rows with their arithmetic: done for the reading that wins only)."""

    decoded: Decoded
    roles: list[str]
    nameless: bool  # read as a table whose name column is empty on every row (nameless_reading)

    @property
    def cost(self) -> float:
        return self.decoded.cost


def read_table(pieces: list[Piece], roles: list[str], s: ParseSettings = DEFAULT) -> Reading:
    decoded = decode(pieces, roles, s.decode)
    alt = nameless_reading(pieces, roles, decoded, s.decode)
    return Reading(alt or decoded, roles, alt is not None)


def table_of(reading: Reading, toks: list[Tok], i: int, ended: bool, s: ParseSettings = DEFAULT) -> TableResult:
    """A reading's rows, with the total row printed after the table."""
    out: list[Indicator] = []
    result = TableResult(indicators=out, notes=[])
    roles = reading.roles
    result.decoded, result.roles = reading.decoded, roles
    rows_from_steps(reading.decoded.steps, out, roles, table_ended=ended, s=s.decode, nameless=reading.nameless)
    # the total row may follow a '其他需要说明事项' row
    n = len(toks)
    for k in range(i, min(n, i + 8)):
        if TOTAL_ROW_RE.match(fold_cell(toks[k].text)):
            after = []
            for t in toks[k + 1: k + 4]:  # the row's figures and grade, up to the next word
                if parse_number(t.text) is None and fold_cell(t.text) not in GRADES:
                    if not after and leading_figures(t.text):
                        after.append(t.text)  # the figures glued to the words after the table
                    break
                after.append(t.text)
            result.total_weight, result.total_score, grade = read_total([toks[k].text] + after)
            result.grade = grade or result.grade
            break
    result.end_index = n
    return result


def body_pieces(toks: list[Tok], i: int, table_glued: bool, s: DecodeSettings = DECODE,
                wrap: WrapSettings = WRAP_SETTINGS) -> tuple[list[Piece], int, bool]:
    """The decoder's pieces of a table body starting at token i: header words and level score notes
    skipped, cut-out glued cells joined back. Returns (pieces, index where it stopped, stopped at an end).
    `wrap`: when a title-like piece is a flattened cell's wrapped line (flat_line_cells, slack)."""
    pieces: list[Piece] = []
    n = len(toks)
    per_line = Counter(_line_of(t) for t in toks)
    while i < n:
        t = toks[i].text
        # (a title-like piece run on in a line is no title: words right before and after it, or the wrapped rest
        # of a flattened table's cell after it, however its row starts)
        if _stop(t) and not (i + 1 < n and _line_of(toks[i]) == _line_of(toks[i + 1]) and (
                (pieces and _line_of(pieces[-1]) == _line_of(toks[i])
                 and bare_title_in_run(pieces[-1].text, t, toks[i + 1].text))
                or _wrapped_line_as_title(t, toks[i + 1].text, per_line[_line_of(toks[i])], wrap))):
            _mark_line_starts(pieces)
            return pieces, i, True
        i += 1
        tok = toks[i - 1]
        if t in _SKIP and _inside_glued_run(toks, i - 1, pieces):
            # a caption word cut out of the middle of one glued cell run ('审核|绩效目标|数量', '绩效目标|审核覆盖率'):
            # part of a name, not the table's caption; it goes back into the run, the decoder cuts it
            pieces[-1].text += t
            continue
        if t in _SKIP or column_role(t) in ("level1", "level2", "name") or _SCORE_NOTE.fullmatch(t):
            continue
        if tok.glued and pieces and pieces[-1].glued and pieces[-1].loc == tok.loc:
            # cells cut out of one glued string go back together: the decoder chooses the cuts
            pieces[-1].text += tok.text
            continue
        sure = tok.glued or (table_glued and (is_glued_piece(t, s) or holds_cells(t, s)))
        pieces.append(Piece(t, tok.loc, glued=sure or _maybe_glued(t, s), sure_glued=sure))
    _mark_line_starts(pieces)
    return pieces, i, False


def _wrapped_line_as_title(t: str, after: str, line_pieces: int, wrap: WrapSettings) -> bool:
    """A piece of a table flattened onto one line (`wrap.flat_line_cells` pieces at least) with its wrapped rest
    after it, that is a title only as a cell on its own ('开展重点绩效评价' of '开展重点绩效评价 项目数'): a line of a
    wrapped cell, whose lines the copy keeps together with a space where each broke; no title ending the table."""
    return line_pieces >= wrap.flat_line_cells and rest_follows(t, after, wrap.slack) and not _stop_inside(t)


def _stop_inside(t: str) -> bool:
    s = fold_cell(t)
    return bool(END_OF_TABLE_RE.match(s) or TOTAL_ROW_RE.match(s) or title_kind(t, whole=False))


_BROKEN_POINTS = lexicon().broken_points  # '效益指标(3', '满意度指标(' : points a line broke


def _labels_of_broken_points(pieces: list[Piece]) -> list[Piece]:
    """'效益指标(3' / '0分)': a level label whose points a narrow column broke, and whose rest was a score note
    (skipped) rather than a wrapped line joined back. The label keeps its name, not the open half of the points
    (which made it no label)."""
    for p in pieces:
        m = _BROKEN_POINTS.fullmatch(p.text)
        if m and (is_level1(m.group(1)) or is_level2(m.group(1))):
            p.text = m.group(1)
    return pieces


def _inside_glued_run(toks: list[Tok], k: int, pieces: list[Piece]) -> bool:
    """Is token k cut out of the same glued run as the piece before it and the token after it, with words on
    both sides (no level label or header ends there)?"""
    tok = toks[k]
    if not (tok.glued and pieces and pieces[-1].glued and pieces[-1].loc == tok.loc and k + 1 < len(toks)):
        return False
    nxt = toks[k + 1]
    return nxt.glued and nxt.loc == tok.loc and bool(_CJK_CHAR.match(nxt.text[:1])) \
        and bool(_CJK_CHAR.match(pieces[-1].text[-1:])) and column_role(nxt.text) is None \
        and not (is_level1(nxt.text) or is_level2(nxt.text))


def join_spaced_units(pieces: list[Piece], unit_column: bool | None) -> list[Piece]:
    """'不少于20' '册' -> '不少于20册': a copy that separates cells by spaces split a value at the space its
    cell held between the figure and its unit. Only on one printed line, where the unit follows a figure.
    `unit_column`: the table prints units in a 计量单位 column of their own (a unit after a figure is that
    column's cell: nothing joined); None where no header says (only a figure with its operator and no unit
    is joined: a unit column's cell follows a bare figure, or the operator's own column)."""
    out: list[Piece] = []
    for p in pieces:
        prev = out[-1] if out else None
        m = parse_measure(prev.text) if prev is not None and prev.text[-1:].isdigit() else None
        if m is not None and p.text in lexicon().known_units and not (p.glued or prev.glued) and p.col is None \
                and p.loc.line_start is not None and _line_of(p) == _line_of(prev) \
                and not unit_column and (unit_column is False or (m.op and not m.unit)):
            out[-1] = Piece(prev.text + p.text, prev.loc.merge(p.loc), row_first=prev.row_first)
            continue
        out.append(p)
    return out


def _line_of(p: Piece) -> tuple:
    return p.loc.page, p.loc.table, p.loc.row, p.loc.line_start


def _mark_line_starts(pieces: list[Piece]) -> None:
    """A line of several cells is a table row whose blank cells vanished: its first piece starts a row
    (evidence for the decoder, like a grid row's first cell). A line of one cell says nothing: copies print
    one cell per line."""
    lines: dict[tuple, list[Piece]] = {}
    for p in pieces:
        lines.setdefault(_line_of(p), []).append(p)
    for key, on_line in lines.items():
        if key[3] is not None and len(on_line) > 1:
            on_line[0].row_first = True


def join_wrapped_lines(pieces: list[Piece], roles: list[str], s: ParseSettings = DEFAULT) -> list[Piece]:
    """Lines that hold only the wrapped rest of the line above's long cells (a PDF's text layer, whose
    positions are gone): '保障在职人员 50人' / '人数'. A line is joined when it has no more pieces than the
    line above has full ones (a cell wraps only when it fills its column), each fits under its cell, and
    the decoder reads the joined line more cheaply than the two lines apart."""
    lines: list[list[Piece]] = []
    for p in pieces:
        if p.loc.line_start is None or p.glued:
            return _labels_of_broken_points(pieces)  # no lines to go by, or cells that ran together: nothing to join
        if lines and lines[-1][0].loc.line_start == p.loc.line_start:
            lines[-1].append(p)
        else:
            lines.append([p])
    out: list[list[Piece]] = []
    last: dict[int, str] = {}  # piece index in out[-1] -> the last printed line of that piece
    for line in lines:
        above = out[-1] if out else None
        joined = _wrap_join(above, line, roles, last, s.wrap, s.decode) if above else None
        if joined is None:
            out.append(line)
            last = {}
            continue
        out[-1], last = joined
    return _labels_of_broken_points([p for line in out for p in line])


def _wrap_join(above: list[Piece], line: list[Piece], roles: list[str], last: dict[int, str],
               s: WrapSettings, dec: DecodeSettings) -> tuple[list[Piece], dict[int, str]] | None:
    from itertools import combinations

    if len(above) < 2 or len(line) > len(above) or any(
            _stop(p.text) or is_level1(p.text) or is_level2(p.text) or is_empty_value(p.text) for p in line):
        return None  # one cell a line is a copy cell by cell; a line longer than the row above is a row
    if lexicon().name_prefix.match(line[0].text.strip()):
        return None  # a line that starts with a template's numbering ('指标4.') starts a row, values or none
    template = [bool(lexicon().placeholder_row.fullmatch(p.text)) for p in line]
    if any(template) and (len(line) == 1 or all(template)):
        return None  # an unfilled template row; a template's residue beside other rests ('（≥**人）') is a name's rest
    if len(line) == len(above) and not any(mends_token(a.text, p.text) for a, p in zip(above, line)):
        return None  # a line as long as the row above is a row, unless it mends a token the row broke ('≥4869平' / '方米')
    ends = [last.get(k, p.text) for k, p in enumerate(above)]
    widest = max(len(t) for t in ends)
    full = [k for k, t in enumerate(ends) if len(t) >= s.full_share * widest]
    best = None
    for chosen in combinations(full, len(line)):
        if any(len(p.text) > len(ends[k]) + s.slack or two_values(ends[k], p.text) or _whole_label(ends[k], p.text)
               for p, k in zip(line, chosen)):
            continue
        merged = [Piece(a.text + line[chosen.index(k)].text, a.loc.merge(line[chosen.index(k)].loc)) if k in chosen
                  else a for k, a in enumerate(above)]
        cost = decode(merged, roles, dec).cost
        rank = cost + s.short_line_cost * sum(1 - len(ends[k]) / widest for k in chosen)  # the fuller cells first
        rank -= s.broken_token * sum(mends_token(ends[k], p.text) for p, k in zip(line, chosen))
        if best is None or rank < best[3]:
            best = (cost, merged, chosen, rank)
    if best is None:
        return None
    apart = decode(above + line, roles, dec).cost
    if best[0] + s.line_judge_margin >= apart:
        return None  # one row always costs less than two: joining must win by the margin
    _, merged, chosen, _ = best
    return merged, {**last, **{k: line[j].text for j, k in enumerate(chosen)}}


def _whole_label(line: str, rest: str) -> bool:
    """A level label printed whole ('服务对象满意度指标', '满意度') has not wrapped: a rest under it that makes it no
    label belongs to the cell beside it ('受益群众满意' / '度(抽样调查)')."""
    return (is_level1(line) or is_level2(line)) and not (is_level1(line + rest) or is_level2(line + rest))


def _maybe_glued(t: str, s: DecodeSettings = DECODE) -> bool:
    """In a table whose cells kept their separators, a long cell may still hold a name and its values run
    together; it is cut only where cutting reads better than keeping it whole."""
    return len(t) >= GLUED_CANDIDATE_LEN and is_glued_piece(t, s) and len(_NUMBERS.findall(t)) >= 2 \
        and not re.search(r"[，。；,;、：:]", t)


GLUED_CANDIDATE_LEN = 12
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
