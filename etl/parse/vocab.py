"""The fixed vocabulary of performance filings: titles, column headers, level names, keys.

Everything here is a pattern over *folded* text (see `fold_cell`): white space
removed, full-width forms folded, so '预算部 门名称' and '预算部门名称' match alike.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from etl.lexicon import alternation, lexicon


_SPACES = re.compile(r"[\s\u3000]+")


@lru_cache(maxsize=1)
def _ocr_words() -> re.Pattern | None:
    words = lexicon().ocr_words
    if not words:
        return None
    return re.compile(rf"(?<=[\u4e00-\u9fff])(?:{alternation(words)})")


@lru_cache(maxsize=1 << 16)
def fold_cell(text: str) -> str:
    # called on every cell by every stage: cached, the same cells recur across a document
    # (OCR look-alikes fold to the vocabulary's characters: '顼目名称', '项Fl名称' are 项目名称)
    out = _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).translate(lexicon().ocr_chars)
    words = _ocr_words()
    return words.sub(lambda m: lexicon().ocr_words[m.group()], out) if words is not None else out


@lru_cache(maxsize=1 << 14)
def fold_ocr_keys(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` with OCR look-alikes read as the vocabulary's characters ('实施第位' is 实施单位, '顼目名称' and
    '项Fl名称' 项目名称), and where each folded character stands in `text` (one more entry: its end), so a key
    label found in the folded text is cut at its place in the printed one."""
    lx = lexicon()
    out = text.translate(lx.ocr_chars)
    if len(out) != len(text):
        out = text
    pos = list(range(len(text) + 1))
    words = _ocr_words()
    if words is None:
        return out, tuple(pos)
    folded, where, at = [], [], 0
    for m in words.finditer(out):  # (after a CJK character only: 'Flash' stays)
        folded.append(out[at:m.start()])
        where.extend(pos[at:m.start()])
        to = lx.ocr_words[m.group()]
        folded.append(to)
        where.extend([m.start()] * len(to) if len(to) != len(m.group()) else pos[m.start():m.end()])
        at = m.end()
    folded.append(out[at:])
    where.extend(pos[at:])
    return "".join(folded), tuple(where)


# --- document titles -> doc_kind -------------------------------------------------
# The patterns, in order, are the lexicon's [titles.kinds]; their kind 'self_eval' is SELF_EVAL_ANY.
SELF_EVAL_ANY = "self_eval"  # a title that says self-evaluation but not whether of a table or a report
TITLE_PATTERNS: list[tuple[re.Pattern, str]] = list(lexicon().title_kinds)
ANNEX_TITLE = lexicon().annex_title  # group 1: the annexed filing's title


@lru_cache(maxsize=1 << 16)
def title_kind(text: str, whole: bool = True) -> str | None:
    """doc_kind when `text` looks like a filing's title, else None. `whole=False`: the text is a piece cut out
    of glued text, whose edges are only a guess, so the patterns that need a cell to be the whole title
    ('^…绩效自评$': a page titled with the evaluation alone) say nothing about it."""
    s = fold_cell(text)
    if not s or len(s) > 90:
        return None
    # A sentence that merely mentions a report is not a title; nor is a table-of-contents entry.
    if re.search(r"[。；;]", s) or s.count("，") > 1 or re.search(r"\.{3,}|…{2,}|·{3,}", s):
        return None
    if len(lexicon().title_kind_words.findall(s)) >= 2:
        return None  # a sentence listing kinds of filing ('读取绩效目标表、绩效自评表和自评报告'), not a title
    if lexicon().name_prefix.match(s):
        return None  # an indicator's numbering opens a name ('指标2:评价报告 合格率', a wrapped line), never a title
    for pat, kind in TITLE_PATTERNS:
        if not whole and pat.pattern.startswith("^"):
            continue
        m = pat.search(s)
        if m and _TITLE_TAIL.match(s[m.end():]):
            return kind
    return None


_TITLE_TAIL = lexicon().title_tail  # what may follow the kind word in a title ('(2022年度)', '公示', a site's suffix)


# --- indicator table columns ------------------------------------------------------
# role -> patterns over a folded header cell (etl/lexicon.toml); first match wins, order matters.
COLUMN_PATTERNS: list[tuple[str, re.Pattern]] = [(role, pat) for role, pat, _ in lexicon().columns]


# Column numbers some templates print in their headers: '实际完成值③', '③全年执行数', and how a column is
# computed from others ('④=①+②+③', '⑥=⑤/④'). Folding turns ③ into '3', so they are cut off first.
_CIRCLED = "\u2460-\u2473\u2474-\u2487\u2776-\u277f\u3251-\u325f"
_FORMULA = rf"[{_CIRCLED}]\s*(?:[=＝]\s*[{_CIRCLED}+\-＋－*/×÷()（）\s]+)?"
_COLUMN_NUMBER = re.compile(rf"^\s*{_FORMULA}\s*|\s*{_FORMULA}\s*$")
_ONLY_NUMBER = re.compile(rf"\s*{_FORMULA}\s*")


def without_column_number(cell: str) -> str:
    """'实际完成值③' -> '实际完成值'; '年度支出数⑤=③+④' -> '年度支出数'."""
    return _COLUMN_NUMBER.sub("", cell)


def is_column_number(cell: str) -> bool:
    """A cell that only numbers a column ('③', '④=①+②+③'): a header row of them is no row of data."""
    return bool(cell.strip()) and bool(_ONLY_NUMBER.fullmatch(cell))


@lru_cache(maxsize=1 << 16)
def column_role(cell: str) -> str | None:
    s = lexicon().required_mark.sub("", fold_cell(cell))  # '*指标值': a required cell's mark names no column
    if not s or len(s) > 30:
        return None
    for role, pat in COLUMN_PATTERNS:
        if pat.search(s):
            return role
    period, base = _period_split(s)
    if period and base:
        return column_role(base)
    undated = _YEAR_IN_HEADER.sub("", s)  # '2021年实际实现值', '预期2022年实现值': the column, whatever the year
    if undated and undated != s:
        return column_role(undated)
    bare = without_column_number(cell)
    return column_role(bare) if bare and bare != cell else None


_YEAR_IN_HEADER = re.compile(r"(19|20)\d{2}年度?")


@lru_cache(maxsize=1)
def _period_res() -> tuple[re.Pattern, re.Pattern]:
    lx = lexicon()
    words = "|".join(re.escape(w) for w in sorted(lx.long_periods + lx.annual_periods, key=len, reverse=True))
    longs = "|".join(re.escape(w) for w in sorted(lx.long_periods, key=len, reverse=True))
    return re.compile(rf"^(?P<base>.+?)\((?P<p>{words})\)$"), re.compile(rf"^(?P<p>{longs})(?P<base>.+)$")


def _period_split(folded: str) -> tuple[str | None, str]:
    """'二级指标(长期)' -> ('long', '二级指标'); '中期指标值' -> ('long', '指标值'); else (None, text)."""
    after, before = _period_res()
    m = after.match(folded) or before.match(folded)
    if not m:
        return None, folded
    return ("long" if m.group("p") in lexicon().long_periods else "annual"), m.group("base")


def column_period(cell: str) -> str | None:
    """'long' or 'annual' for a header cell qualified by its period, else None."""
    return _period_split(fold_cell(cell))[0]


def is_target_part_unit(cell: str) -> bool:
    """'单位' (or '单位(文字描述)') on a header's second line: the unit part of a 指标值 split into sign | figure |
    unit. Alone it names no column (实施单位): the callers check that it stands under or after the 指标值."""
    return fold_cell(cell) in lexicon().target_part_units


LONG_TERM = "long_"  # prefix of the roles of a header's long-term column group


# roles of columns that hold no field of an indicator: a block's context before the levels (部门职责, 工作任务,
# 资金额度) and a column aside the values (单项指标折算得分, 单项指标完成情况)
NO_FIELD = ("context", "aside")


def holds_no_field(role: str | None) -> bool:
    """A role of a column that holds no field ('context', 'aside', or a second such column's 'context_2' …)."""
    return bool(role) and role.startswith(NO_FIELD)


def is_context(role: str | None) -> bool:
    """A role of a block's context column (部门职责, 工作任务 …), which starts its row."""
    return bool(role) and role.startswith("context")


def no_field_role(role: str, n: int) -> str:
    """The role of the n-th column (from 1) of a no-field kind: each holds its own cell of the row."""
    return role if n == 1 else f"{role}_{n}"


def header_roles(cells: list[str]) -> list[str | None]:
    """The role of each header cell, in order. A column printed once per period (长期 | 年度) gives the
    annual group the plain roles and the long-term group `long_` roles; columns that hold no field (部门职责 |
    工作任务 | 资金额度) each a role of their own ('context', 'context_2' …: each holds its own cell of the row);
    other repeats are left to the caller."""
    found = [(column_role(t), column_period(t)) for t in cells]
    out: list[str | None] = []
    seen: dict[str, int] = {}
    for role, period in found:
        if role in NO_FIELD:
            seen[role] = seen.get(role, 0) + 1
            out.append(no_field_role(role, seen[role]))
            continue
        out.append(LONG_TERM + role if role and period == "long" and sum(r == role for r, _ in found) > 1 else role)
    return out


# --- indicator levels ----------------------------------------------------------------
# a level's points in brackets ('产出指标(50分)'), or run on after it where a glued copy lost the cell between
# ('管理指标30', '产出指标40分')
_SCORE_PART = re.compile(r"[（(]\s*\d+(\.\d+)?\s*分?\s*[)）]\s*$|(?<=指标)\d{1,2}(\.\d)?分?$")

LEVEL1_RE = lexicon().level1
LEVEL2_RE = lexicon().level2


def strip_score(text: str) -> str:
    """'产出指标(50分)' -> '产出指标'; '效益指标（30分）' -> '效益指标'; a list number before a level label too
    ('一、产出指标' -> '产出指标'), where what follows it is a level."""
    text = text.strip().strip("\u3000").strip()
    numbered = lexicon().level_number.match(text)
    if numbered and numbered.end() < len(text):
        rest = text[numbered.end():]
        s = fold_cell(strip_score(rest))
        if LEVEL1_RE.match(s) or LEVEL2_RE.match(s):
            text = rest
    prev = None
    while prev != text:
        prev = text
        text = _SCORE_PART.sub("", text).strip()
    return text


def _as_indicator(s: str) -> str:
    """'产出值', '社会效益值': templates that say 值 where others say 指标 ('数量值' is '数量指标')."""
    return s[:-1] + "指标" if s.endswith("值") and len(s) >= 3 else s


@lru_cache(maxsize=1 << 16)
def is_level1(text: str) -> bool:
    s = fold_cell(strip_score(text))
    return bool(LEVEL1_RE.match(s)) or (s.endswith("值") and bool(LEVEL1_RE.match(_as_indicator(s))))


@lru_cache(maxsize=1 << 16)
def is_level2(text: str) -> bool:
    s = fold_cell(strip_score(text))
    return bool(LEVEL2_RE.match(s)) or (s.endswith("值") and bool(LEVEL2_RE.match(_as_indicator(s))))


@lru_cache(maxsize=1)
def _scrambled_keys() -> dict[str, str]:
    lx = lexicon()
    return {"".join(sorted(n)): n for n in lx.level1_names if len(n) >= SCRAMBLED_MIN_LEN and n.endswith("指标")}


SCRAMBLED_MIN_LEN = 4  # a shorter level word ('产出') has too few characters to be recognised out of order


@lru_cache(maxsize=1 << 16)
def scrambled_level1(text: str) -> str | None:
    """The level-1 name whose characters `text` holds out of order, where a text layer or OCR read a level
    label printed down a narrow merged cell across its lines ('出标产指' for 产出指标): None otherwise. The
    label's 指标 is then torn apart; where it stands whole the characters are two words side by side
    ('指标成本' of '…指标 | 成本控制')."""
    if len(text) < SCRAMBLED_MIN_LEN or "指标" in text:
        return None
    name = _scrambled_keys().get("".join(sorted(text)))
    return name if name != text else None


@lru_cache(maxsize=1 << 16)
def is_unknown_level(text: str) -> bool:
    """A level of a family the lexicon does not name ('制度指标', '管理指标'): a short phrase ending in 指标."""
    s = fold_cell(strip_score(text))
    lx = lexicon()
    # one 指标 only: '成本指标经济成本指标' is two known levels run together, not one unknown
    return bool(lx.unknown_level.match(s)) and s.count("指标") <= 1 and s not in lx.not_levels \
        and not is_level1(s) and not is_level2(s) and column_role(s) is None


# --- metadata keys ---------------------------------------------------------------------
# field -> folded key patterns (exact match of a key cell, or 'key:value' inside a cell)
META_KEYS: list[tuple[str, re.Pattern]] = list(lexicon().keys)

TOTAL_ROW_RE = re.compile(rf"^({'|'.join(lexicon().total_labels)})")
END_OF_TABLE_RE = re.compile(
    r"^(填表人|填报人|联系电话|单位负责人|其他需要说明|其他需说明|说明[:：]|注[:：])"
    r"|^[^，。；]{0,16}(审核|初审|审批|复核|审查)意见"  # sign-off boxes under the table: 财政部门支出股室初审意见
    r"|^[^，。；]{0,16}[(（]盖章[)）]"  # a sign-off box: 财政资金管理科室(盖章)
)


_L2_TO_L1 = lexicon().level2_of


def level1_of(level2: str | None) -> str | None:
    """The level-1 a level-2 name belongs to, for tables that leave the level-1 cell blank."""
    if not level2:
        return None
    for pat, l1 in _L2_TO_L1:
        if pat.search(level2):
            return l1
    return None

