"""The money block: 年初预算数 / 全年预算数 (A) / 全年执行数 (B) / 分值 / 执行率 / 得分,
and for target tables 预算数 / 财政资金 / 其他资金 and the 资金支出计划.

All amounts are stored in 万元; a table that says 单位：元 or 项目资金（元） is
converted here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from etl.lexicon import alternation, lexicon
from etl.marts.invariants import tolerances
from etl.normalise.measure import parse_number, parse_rate
from etl.parse.vocab import fold_cell, is_column_number, without_column_number
from etl.measures import MONEY_IN_WAN
from etl.records import YUAN_PER_WAN, Cell, Loc, Row, SpendPoint

def _column_pattern(role: str) -> re.Pattern:
    return next(pat for r, pat, _ in lexicon().columns if r == role)


_PATTERNS = lexicon().money_patterns
_HEAD_ROLES = [
    ("initial", _PATTERNS["head_initial"]),
    ("adjusted", _PATTERNS["head_adjusted"]),
    ("executed", _PATTERNS["head_executed"]),
    # 分值 and 得分 are worded as in the indicator table (标准分值, 单项指标得分): the lexicon's patterns
    ("weight", _column_pattern("weight")),
    ("rate", _PATTERNS["head_rate"]),
    ("score", _column_pattern("score")),
]
_MONEY = lexicon().money_labels
_OF_WHICH = _PATTERNS["of_which"].pattern
_SUBTOTAL = _PATTERNS["subtotal"].pattern
_COLUMNS = lexicon().money_columns
# other templates' wordings of the same columns, and the columns that are none of the filing's figures
_HEAD_ROLES += [(role, re.compile(rf"^({alternation(_COLUMNS['head_' + role])})(\((%|万元|元)\))?$"))
                for role in ("initial", "adjusted", "executed", "rate", "skip")]
_TOTAL_LABEL = re.compile(rf"^({alternation(_MONEY['total'])})")
_FISCAL_LABEL = re.compile(rf"^({_OF_WHICH})?({alternation(_MONEY['fiscal'])})")
_CARRY_LABEL = re.compile(rf"^({_OF_WHICH})?({alternation(_MONEY['carryover'])})")
_OTHER_LABEL = re.compile(rf"^({_OF_WHICH})?({alternation(_MONEY['other'])})")


@dataclass
class Budget:
    initial: float | None = None
    adjusted: float | None = None
    executed: float | None = None
    rate: float | None = None
    weight: float | None = None
    score: float | None = None
    fiscal: float | None = None
    other: float | None = None
    carryover: float | None = None
    plan: list[SpendPoint] = field(default_factory=list)
    in_yuan: bool = False
    notes: list[str] = field(default_factory=list)


_IN_YUAN = _PATTERNS["in_yuan"]
_IN_WAN = _PATTERNS["in_wan"]


def amounts_in_yuan(rows: list[Row]) -> bool:
    """Does the money block print 元? Only a money label's unit counts ('项目资金(元)', '单位：元'); an
    indicator's unit ('带动增收(元)') does not, and a money label in 万元 settles it the other way."""
    texts = [fold_cell(t) for r in rows for t in r.texts]
    if any(_IN_WAN.search(s) for s in texts):
        return False
    return any(_IN_YUAN.search(s) for s in texts)


def _head_roles(row: Row) -> dict[int, str]:
    roles = {}
    for pos, cell in enumerate(row.cells):
        s = fold_cell(cell.text)
        for role, pat in _HEAD_ROLES:
            if pat.search(s) and role not in roles.values():
                roles[pos] = role
                break
    return roles


_HEAD_NOTE = re.compile(r"[(（][^()（）]*[)）]$")  # '得分(20分*执行率)': how the column is computed


_COLUMN_LETTER = re.compile(r"\(([A-F])\)$")  # '全年预算数(B)': the letter the rate's formula names a column by
_RATE_LETTERS = re.compile(r"\(([A-F])[/÷]([A-F])\)$")  # '执行率(C/B)': spent over budget, by their letters


def _head_role(text: str, letters: tuple[str, str] | None = None) -> str | None:
    """The money column a header cell names. With the rate's formula's letters (numerator, denominator), a
    lettered column is the budget or the spending the formula says it is, whatever its words ('年初预算数(A) |
    全年预算数(B) | 全年执行数(C) | 执行率(C/B)': B is the budget)."""
    m = _COLUMN_LETTER.search(text)
    if letters and m and m.group(1) in letters:
        return "executed" if m.group(1) == letters[0] else "adjusted"
    found = next((r for r, pat in _HEAD_ROLES if pat.search(text)), None)
    if found == "initial" and m and m.group(1) == "A" and not letters:
        return "adjusted"  # '年初预算数(A)': the A of 执行率 = B/A, whatever its wording
    if found is None and _HEAD_NOTE.search(text):
        return _head_role(_HEAD_NOTE.sub("", text), letters)
    return found


def _rate_letters(texts: list[str]) -> tuple[str, str] | None:
    """The letters of the rate's formula among a money header's cells ('执行率(C/B)' -> ('C', 'B'))."""
    for t in texts:
        m = _RATE_LETTERS.search(t)
        if m and _head_role(_HEAD_NOTE.sub("", t)) == "rate":
            return m.group(1), m.group(2)
    return None


def _head_cell_roles(text: str, seen: list[str], letters: tuple[str, str] | None = None) -> list[str]:
    """The money columns one header cell names: usually one; two where a glued copy ran two
    headers together and the first is still missing ('执行率得分' after 分值 with no 执行率
    column yet is 执行率 | 得分; after 执行率 it is the template's own 执行率得分)."""
    role = _head_role(text, letters)
    if role is not None:
        # two whole headers run together ('年初预算数调整预算数(A)'): the first ends as a header word ends
        for cut in range(len(text) - 2, 2, -1):
            a, b = _head_role(text[:cut]), _head_role(text[cut:])
            if _PATTERNS["head_end"].search(text[:cut]) and a and b and a != b and a not in seen and b not in seen:
                return [a, b]
    if role is not None and not (role == "score" and "rate" not in seen and "weight" in seen):
        return [role]
    for cut in range(len(text) - 2, 1, -1):  # the longest first word: '执行率|得分', not '执行|率得分'
        a, b = _head_role(text[:cut]), _head_role(text[cut:])
        if a and b and a != b and a not in seen and b not in seen:
            return [a, b]
    return [role] if role else []


def _label_and_values(cells: list[str]) -> tuple[str, list[str]]:
    texts = [c for c in cells if c.strip()]
    if not texts:
        return "", []
    return fold_cell(texts[0]), texts[1:]


@dataclass(frozen=True)
class MoneySettings:
    """Costs for placing a money row's amounts under its printed columns (lower is likelier)."""

    skip_initial: float = 0.2  # 年初预算数 is often left blank
    skip_other: float = 0.6
    rate_matches: float = -1.0  # 执行率 ≈ 执行数 / 全年预算数: the table's own arithmetic agrees
    rate_differs: float = 0.5
    rate_tolerance: float = tolerances()["rate_placement"]  # settings.toml [parse] rate_placement_tolerance
    # a report that states its spending and 执行率 but words its budget otherwise ('收入总计487.24万元'): the
    # amount it names that the spending over gives the rate as printed (to 0.01 %: within this) is the budget
    implied_budget_tolerance: float = 0.0001
    score_matches: float = -0.5  # 得分 ≈ 分值 × min(执行率, 1)
    score_tolerance: float = 0.1  # as a share of 分值
    score_above_weight: float = 2.0
    # a 得分 with no 分值 beside it: the template prints the 分值 and leaves the 得分 blank, not the reverse
    score_without_weight: float = 0.05
    weight_zero: float = 1.0  # a 分值 of 0 weighs nothing: a digit cut off another figure
    spent_without_budget: float = 1.0  # 执行数 above zero under a 全年预算数 of zero: the figures are misplaced
    weight_not_whole: float = 0.5
    amount_as_weight: float = 1.0  # a 分值 above `max_weight`
    max_weight: float = 30.0
    leading_gap: float = 0.01  # on a tie, a blank leading column (the usual one) is likelier
    glued_tail_len: int = 12  # characters at a glued run's end where 分值, 执行率 and 得分 may be cut at any digit
    max_glued_cuts: int = 18  # a run with more digit boundaries than this is cut at any digit only near its end
    spaced_label_len: int = 6  # characters of a money label or header word a PDF may print one per cell ('合 计')
    head_tail_len: int = 3  # characters of a header word a wrap may carry onto the next cell ('年初预 | 算数')


MONEY = MoneySettings()


def _assign(roles_in_order: list[str], values: list[str], scale: float, left: bool = False,
            s: MoneySettings = MONEY) -> dict[str, float]:
    """Values onto the header's columns, by the table's own arithmetic.

    A money row often prints fewer amounts than it has columns (a blank 年初预算数 or 得分
    vanished in the copy). Every placement of the k amounts under the columns (in order) is
    costed: 执行率 must be a rate, 分值 small and whole, 执行率 ≈ B/A and 得分 ≈ 分值 × 执行率
    where the figures allow, and the cheapest placement wins. A sub-row (财政拨款, 上年结转)
    has amounts only and is read from the left.
    """
    from itertools import combinations

    vals = [v for v in values if v.strip() and v.strip() not in lexicon().blank_marks]
    if len(vals) > len(roles_in_order):
        vals = vals[: len(roles_in_order)]
    if left or len(vals) == len(roles_in_order):
        return _read(dict(zip(roles_in_order, vals)), scale)
    best = None
    for pos in combinations(range(len(roles_in_order)), len(vals)):
        got = {roles_in_order[p]: v for p, v in zip(pos, vals)}
        cost = sum(s.skip_initial if r == "initial" else s.skip_other for r in roles_in_order if r not in got)
        cost += s.leading_gap * (len(roles_in_order) - 1 - pos[-1]) if pos else 0.0
        cost += _money_cost(_read(got, scale), got, s)
        if best is None or cost < best[0]:
            best = (cost, got)
    return _read(best[1], scale) if best else {}


_GLUED_RUN = re.compile(r"(\d+(\.\d+)?%?){2,}")  # several numbers printed with no separator
# a glued run as a cut left it: after its label's colon; what follows in the cell (the next label, '其中:中央',
# or the next block's glued words) is not the row's
_RUN_IN_CELL = re.compile(r"[:：]?(?P<run>(?:\d|\.|%|万元?)+)(?P<tail>\D.*)?")
_RUN_UNIT = re.compile(r"万元?")  # '10万10万100%20': amounts printed with their unit, which ends them


def _unit_cuts(run: str) -> tuple[str, set[int]]:
    """A glued run with its amounts' units dropped, and the places the units stood (where an amount ended)."""
    out, cuts = "", set()
    for piece in _RUN_UNIT.split(run):
        out += piece
        cuts.add(len(out))
    cuts.discard(len(out))
    return out, cuts


def _glued_run_in(text: str) -> str | None:
    """The row's glued amounts at the head of a cell ('194.9194.9100%其中:中央…', '10万10万100%20'), or None."""
    m = _RUN_IN_CELL.fullmatch(text)
    if not m or m.group("run").startswith(("万", "%", ".")):
        return None
    digits, _ = _unit_cuts(m.group("run"))
    return m.group("run") if _GLUED_RUN.fullmatch(digits) else None
MAX_GLUED_AMOUNTS = 7  # a glued money run is split into at most this many amounts


def _assign_glued(roles_in_order: list[str], run: str, scale: float, s: MoneySettings = MONEY) -> dict[str, float]:
    """A money row whose amounts ran together, split where the table's arithmetic reads best.

    Candidate cuts fall after a number's decimals and around a '%'; a piece may not start with a
    leading zero. Every split is placed under the columns as `_assign` does, and the cheapest wins.
    """
    from itertools import combinations

    run, forced = _unit_cuts(run)  # an amount printed with its unit ends there: a cut every split keeps
    # amounts end after two decimals; after the first two amounts (the row's budget and spending come
    # first) a number may also start at any digit: 分值, 执行率 and 得分 are short and may be whole
    ends = [m.end() for m in re.finditer(r"\.\d{2}", run)]
    tail = ends[1] if len(ends) > 1 and len(run) > s.max_glued_cuts else 0  # a short run: every digit boundary
    if len(run) - tail > s.max_glued_cuts:
        # a long run (amounts in 元): the short figures stand at its end, so digit cuts only there keep the
        # search bounded instead of every subset of every digit boundary
        tail = len(run) - s.glued_tail_len
    cuts = set(ends) | {m.end() for m in re.finditer(r"%", run)} | set(range(tail + 1, len(run)))
    cuts = sorted(c for c in cuts - forced if 0 < c < len(run))
    best = None
    for k in range(max(0, 1 - len(forced)), min(len(roles_in_order), MAX_GLUED_AMOUNTS) - len(forced)):
        if k > len(cuts):
            break
        for chosen in combinations(cuts, k):
            bounds = (0, *sorted((*chosen, *forced)), len(run))
            parts = [run[a:b] for a, b in zip(bounds, bounds[1:])]
            if any(not re.fullmatch(r"(0|[1-9]\d*)(\.\d{1,2})?%?", p) for p in parts):
                continue
            for pos in combinations(range(len(roles_in_order)), len(parts)):
                got = {roles_in_order[p]: v for p, v in zip(pos, parts)}
                cost = sum(s.skip_initial if r == "initial" else s.skip_other for r in roles_in_order if r not in got)
                cost += _money_cost(_read(got, scale), got, s)
                if best is None or cost < best[0]:
                    best = (cost, got)
    return _read(best[1], scale) if best else {}


def _ocr_figures(text: str) -> str:
    """A money figure OCR misread ('O76%107.6'): letters that look like digits read as digits, where the
    cell is otherwise made of figures."""
    digits = lexicon().ocr_digits
    if re.fullmatch(rf"[\d.,%{''.join(map(re.escape, digits))}]+", text) and sum(ch.isdigit() for ch in text) >= 2:
        return "".join(digits.get(ch, ch) for ch in text)
    return text


def _ocr_lead(text: str) -> str:
    """A cell's leading figures OCR misread, read as digits, with the words after them kept ('O76%10当年')."""
    digits = lexicon().ocr_digits
    m = re.match(rf"[\d.,%{''.join(map(re.escape, digits))}]+", text)
    return _ocr_figures(m.group()) + text[m.end():] if m else text


_MONEY_UNITS = sorted(MONEY_IN_WAN, key=len, reverse=True)  # '万元' before '元'


def _cell_scale(text: str, scale: float) -> float:
    """An amount that prints its own unit says it ('150万', '1,500,000元'), whatever the block's header says:
    the divisor that gives 万元."""
    s = fold_cell(text)
    unit = next((u for u in _MONEY_UNITS if s.endswith(u)), None)
    return 1 / MONEY_IN_WAN[unit] if unit else scale


def _read(got: dict[str, str], scale: float) -> dict[str, float]:
    out = {}
    for role, val in got.items():
        if role == "rate":
            out[role] = parse_rate(val)
        else:
            n = parse_number(val)
            if n is not None and role in ("initial", "adjusted", "executed"):
                n = n / _cell_scale(val, scale)
            out[role] = n
    return out


def _money_cost(v: dict[str, float], raw: dict[str, str], s: MoneySettings) -> float:
    inf = float("inf")
    cost = 0.0
    for role, text in raw.items():
        pct = "%" in text or "％" in text
        if pct and role != "rate":
            return inf  # only the rate is printed with %
        if v.get(role) is None:
            return inf
    w, sc, rate, a, b = v.get("weight"), v.get("score"), v.get("rate"), v.get("adjusted"), v.get("executed")
    if w is not None:
        if w > s.max_weight:
            cost += s.amount_as_weight
        if w != int(w):
            cost += s.weight_not_whole
        if w == 0:
            cost += s.weight_zero
    if w is not None and sc is not None and sc > w + 1e-9:
        cost += s.score_above_weight
    elif sc is not None and sc > s.max_weight:
        # a 得分 above any 分值 a budget line is given (the form's total typed in its place) costs the same with
        # no 分值 read: else a reading that drops the 分值 would keep such a figure nearly free
        cost += s.score_above_weight
    if sc is not None and w is None and "weight" not in raw:
        cost += s.score_without_weight
    if a == 0 and b:
        cost += s.spent_without_budget
    if rate is not None and a and b:
        # a rate of zero agrees with any small spending (1 / 3010 rounds to 0%): agreement is evidence only above zero
        cost += s.rate_matches if rate and abs(b / a - rate) <= s.rate_tolerance else s.rate_differs
    if w is not None and sc is not None and rate is not None:
        if abs(sc - w * min(rate, 1.0)) <= s.score_tolerance * max(w, 1.0):
            cost += s.score_matches
    return cost


_ENUM = re.compile(r"^([（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．])")


MAX_RATE_PERCENT = 1000.0  # a share printed above this is figures run together ('4040100%' is 40 | 40 | 100%)


# a money cell: an amount, a rate or a score, or a blank mark (the lexicon's blank_marks)
_AMOUNT = re.compile(rf"-?(\d+(?:,\d{{3}})*(?:\.\d+)?)(%|万元|万|元|分)?|{alternation(lexicon().blank_marks)}")


def _is_amount(text: str) -> bool:
    s = fold_cell(text)
    m = _AMOUNT.fullmatch(s)
    return bool(m) and not (m.group(2) == "%" and float(m.group(1).replace(",", "")) > MAX_RATE_PERCENT)


# A header cell wrapped in a web copy leaves its first word on a line of its own ('年初' / '预算数').
BROKEN_HEAD_PREFIXES = _PATTERNS["broken_head_prefixes"]


_LABEL_THEN_AMOUNTS = re.compile(r"^(?P<label>[^\d]{2,20}?)(?P<run>\d[\d.,%]*)$")


def _split_label_amounts(cells: list) -> list:
    """'年度资金总额1237.211323.60…': a money label glued to its amounts is two cells."""
    out = []
    for c in cells:
        m = _LABEL_THEN_AMOUNTS.match(fold_cell(c.text))
        label = _ENUM.sub("", m.group("label")).rstrip(":：") if m else ""
        if m and (_TOTAL_LABEL.match(label) or _FISCAL_LABEL.match(label) or _CARRY_LABEL.match(label)
                  or _OTHER_LABEL.match(label)):
            out += [Cell(m.group("label"), c.loc), Cell(m.group("run"), c.loc)]
        else:
            out.append(c)
    return out


def _money_label(text: str) -> bool:
    """A money row's label or a money column's header word, whole ('合计', '执行率', '分值')."""
    label = _ENUM.sub("", text).rstrip(":：")
    return any(p.fullmatch(label) for p in (_TOTAL_LABEL, _FISCAL_LABEL, _CARRY_LABEL, _OTHER_LABEL)) \
        or _head_role(label) is not None


def _join_spaced_labels(cells: list, s: MoneySettings = MONEY) -> list:
    """'合 | 计 | 120 | …', '执 | 行 | 率': a short row label or header word a PDF's text layer spaced out, its
    characters cut into cells at the spaces; joined back, the longest run first, when together they are a money
    row's label or a money column's header (none of the characters alone is one)."""
    def char(k: int) -> str | None:
        s = fold_cell(cells[k].text) if k < len(cells) else ""
        return s if len(s) == 1 and _HEAD_WORD_CHARS.fullmatch(s) else None

    out, i = [], 0
    while i < len(cells):
        n = next((n for n in range(s.spaced_label_len, 1, -1)
                  if all(char(k) for k in range(i, i + n)) and _money_label("".join(char(k) for k in range(i, i + n)))),
                 0)
        if n:
            out.append(Cell("".join(char(k) for k in range(i, i + n)), cells[i].loc.merge(cells[i + n - 1].loc)))
            i += n
        else:
            out.append(cells[i])
            i += 1
    return out


_HEAD_START = _PATTERNS["head_start"]  # a money header's first half, cut by a wrap
# a note under a money header: how the column is computed ('(20分*执行率)', '(B/A)', OCR'd '(B/A1')
MAX_HEAD_CELLS = 12  # a money header's cells, its label and a column or two it skips included
_HEAD_FORMULA = re.compile(r"[（(]([^()（）]*分[^()（）]*|[AB][/÷][AB][^()（）]{0,6})[)）]?")


_UNIT_ONLY = re.compile(r"\((%|万元|元)\)")
_SPACED_AMOUNT = r"-?\d[\d,]*(?:\.\d+)?%?"
_SPACED_ROW = re.compile(rf"(?P<label>[^\d\s]\D*?)?\s*(?P<amounts>{_SPACED_AMOUNT}(?:\s+{_SPACED_AMOUNT})+)")


def _split_spaced(cells: list) -> list:
    """A row the reader kept as one cell, its cells separated by single spaces: '合 计 120 130 97%' is a label
    and its amounts, '年中调整金额③ 小计' two header cells. (Folding drops the spaces, so this comes first.)"""
    out = []
    for c in cells:
        raw = unicodedata.normalize("NFKC", c.text).strip()
        m = _SPACED_ROW.fullmatch(raw)
        parts = c.text.split()  # before NFKC, which reads a column number '③' as a digit
        if m:
            if m.group("label"):
                out.append(Cell(m.group("label"), c.loc))
            out += [Cell(a, c.loc) for a in m.group("amounts").split()]
        elif len(parts) > 1 and all(_head_role(fold_cell(without_column_number(p))) for p in parts):
            out += [Cell(p, c.loc) for p in parts]
        else:
            out.append(c)
    return out


def _join_broken_heads(cells: list, s: MoneySettings = MONEY) -> list:
    out = []
    i = 0
    while i < len(cells):
        c = cells[i]
        nxt = fold_cell(cells[i + 1].text) if i + 1 < len(cells) else ""
        if nxt and (fold_cell(c.text) in BROKEN_HEAD_PREFIXES
                    or (_HEAD_START.match(fold_cell(c.text)) and not _head_role(fold_cell(c.text)) and not _head_role(nxt))):
            # a header cell wrapped mid-word ('预算执行' / '率(B/A×100%)'): neither half names a column, the two do
            joined = fold_cell(c.text) + nxt
            if any(pat.search(joined) for _, pat in _HEAD_ROLES) or (
                    c.text not in BROKEN_HEAD_PREFIXES and _head_role(joined)):
                out.append(Cell(joined, c.loc.merge(cells[i + 1].loc)))
                i += 2
                continue
        role = _head_role(fold_cell(c.text)) if nxt else None
        if role and len(nxt) <= s.head_tail_len and _HEAD_WORD_CHARS.fullmatch(nxt) and not _head_role(nxt) \
                and not _PATTERNS["head_end"].search(fold_cell(c.text)) \
                and _PATTERNS["head_end"].search(fold_cell(c.text) + nxt) and _head_role(fold_cell(c.text) + nxt) == role:
            # a header word wrapped inside its last characters ('年初预' / '算数', '年初预算' / '数'): its head
            # already names the column, the tail names none, and the two end as a header word ends
            out.append(Cell(fold_cell(c.text) + nxt, c.loc.merge(cells[i + 1].loc)))
            i += 2
            continue
        out.append(c)
        i += 1
    return out


_HEAD_WORD_CHARS = re.compile(r"[\u4e00-\u9fff]+")


def self_eval_budget(rows: list[Row], s: MoneySettings = MONEY) -> Budget:
    """The 项目资金 block, read as a stream of cells: header cells, then a label and its amounts.

    Amounts are right-aligned onto the header's columns, so a missing leading
    amount (年初预算数 often left blank) stays empty instead of shifting the rest.
    """
    b = Budget(in_yuan=amounts_in_yuan(rows))
    scale = YUAN_PER_WAN if b.in_yuan else 1.0
    cells = _split_label_amounts(_join_broken_heads(_join_spaced_labels(_split_spaced(
        [c for r in rows for c in r.cells if c.text.strip() and not is_column_number(c.text)]), s), s))
    texts = [fold_cell(without_column_number(c.text)) for c in cells]  # '全年执行数③': the column's number is no word
    n = len(cells)
    i = 0
    while i < n:
        roles: list[str] = []
        role_text: list[str] = []  # the header cell each role was read from
        j = i
        letters = _rate_letters(texts[i: i + MAX_HEAD_CELLS])
        while j < n:
            got = _head_cell_roles(texts[j], roles, letters)
            if got == ["adjusted"] and "adjusted" in roles and "initial" not in roles \
                    and _PATTERNS["head_bare_budget"].match(role_text[roles.index("adjusted")]):
                # a bare '预算数' before '全年预算数' is the budget at the start of the year
                roles[roles.index("adjusted")] = "initial"
            got = [f"skip{len(roles)}" if r == "skip" else r for r in got]  # several such columns may stand
            if not got or set(got) & set(roles):
                if roles and (_HEAD_FORMULA.fullmatch(texts[j]) or _UNIT_ONLY.fullmatch(texts[j])):
                    # '(20分*执行率)' under 得分, '(B/A)' under 执行率, a unit '(%)' wrapped onto its own line
                    j += 1
                    continue
                break
            roles.extend(got)
            role_text.extend([texts[j]] * len(got))
            j += 1
        if len({"adjusted", "executed", "rate"} & set(roles)) < 2:
            i += 1
            continue
        for t in texts[max(0, i - 6): i]:
            m = re.search(r"[（(](\d+(?:\.\d+)?)分[)）]", t)
            if m and "weight" not in roles:
                b.weight = float(m.group(1))
        total = fiscal = None
        k = j
        first = _ocr_figures(texts[j]) if j < n else ""
        if not (_is_amount(first) or _GLUED_RUN.fullmatch(first)) and j < n:
            # the figures glued to the next block's words ('O76%107.6当年绩效目标'): the leading run is the row's
            first = _glued_run_in(_ocr_lead(texts[j])) or first
        if _is_amount(first) or _GLUED_RUN.fullmatch(first):
            # a one-row block printed with no row label ('年初预算数 … 执行率得分 | 0 | 76% | 10 | 7.6'): the
            # figures follow the header directly
            values, m = [], j
            while m < n and _is_amount(_ocr_figures(texts[m])) and len(values) < len(roles):
                values.append(_ocr_figures(cells[m].text))
                m += 1
            total = _assign(roles, values, scale, s=s) if len(values) > 1 else _assign_glued(roles, first, scale, s)
        while k < min(n, j + 40):
            label = _ENUM.sub("", re.sub(r"[:：]$", "", texts[k]))
            values = []
            m = k + 1
            while m < n and _is_amount(texts[m]) and len(values) < len(roles):
                values.append(cells[m].text)
                m += 1
            glued_run = _glued_run_in(texts[m]) if not values and m < n else None
            if glued_run:  # '1237.211323.601323.6010100%10': the row's amounts ran together
                m += 1
            if _TOTAL_LABEL.match(label) and total is None:
                total = _assign_glued(roles, glued_run, scale, s) if glued_run else _assign(roles, values, scale, s=s)
            elif _FISCAL_LABEL.match(label) and fiscal is None:
                fiscal = _assign(roles, values, scale, left=True, s=s)
            elif _CARRY_LABEL.match(label) and values:
                v = _assign(roles, values, scale, left=True, s=s)
                b.carryover = v.get("adjusted") or v.get("initial")
            elif _OTHER_LABEL.match(label) and values:
                v = _assign(roles, values, scale, left=True, s=s)
                b.other = v.get("adjusted") or v.get("initial")
            if _PATTERNS["block_end"].match(label):
                break
            k = m if m > k + 1 else k + 1
        if total is None and fiscal is None:
            i = j
            continue
        total = total or {}
        amounts = ("initial", "adjusted", "executed")
        # A total row printed as zeros over a filled 财政拨款 row: take the amounts from the latter.
        if fiscal and not any(total.get(x) for x in amounts) and any(fiscal.get(x) for x in amounts):
            b.notes.append("年度资金总额一行的金额为0或空，但财政拨款一行有金额：金额取自财政拨款一行")
            src = {**total, **{x: fiscal.get(x) for x in amounts}}
        else:
            src = total
        b.initial, b.adjusted, b.executed = src.get("initial"), src.get("adjusted"), src.get("executed")
        if b.initial is None and "adjusted" in roles and "initial" not in roles \
                and _PATTERNS["head_year_start"].match(role_text[roles.index("adjusted")]):
            b.initial = b.adjusted  # a lone '年初预算数(A)': the year's first budget, and the A of 执行率
        b.rate = src.get("rate")
        b.weight = src.get("weight", b.weight)
        b.score = src.get("score")
        if fiscal:
            b.fiscal = fiscal.get("adjusted") or fiscal.get("initial")
        return b
    keyed = keyed_row_budget(rows, scale)
    b.adjusted, b.executed, b.rate = keyed.get("adjusted"), keyed.get("executed"), keyed.get("rate")
    b.initial = keyed.get("initial", b.initial)
    stated = rate_line(rows) if b.rate is None else None
    if stated:
        b.rate, b.weight = stated
    return b


# (a key may carry its column's letter in the rate's formula: '预算数(A)', '预算执行率(B/A)')
_KEYED = {role: re.compile(rf"^({alternation(_COLUMNS['keyed_' + role])})(\((万元|元|%|[A-Z](/[A-Z])?)\))?[:：]?$")
          for role in ("initial", "adjusted", "executed", "rate")}
def is_money_key(text: str) -> bool:
    """A money block's key cell ('转移支付执行数(B)', '预算执行率(B/A)'): it starts a pair, never continues a value."""
    s = fold_cell(text)
    return any(pat.match(s) for pat in _KEYED.values())


MAX_KEYED_ROWS = 3  # rows of label | amount pairs one money block may run over ('年初预算数 | a | 全年预算数 | b' / …)


def keyed_row_budget(rows: list[Row], scale: float) -> dict[str, float]:
    """A money row that prints each amount after its own label ('预算数 | 6.5 | 到位数 | 6.5 | 执行数 | 6.5 |
    100.00'): the amounts of the row that labels both a budget and its spending. A figure after the last
    amount with no label of its own is the rate when the row above heads a column with the rate's wording."""
    for i, row in enumerate(rows):
        texts = [fold_cell(t) for t in row.texts if t.strip()]
        got: dict[str, float] = {}
        last = _keyed_pairs(texts, got, scale)
        # a grid may print the pairs over a few rows ('年初预算数 | a | 全年预算数 | b' over '全年执行数 | c | 执行率 |
        # r'): the rows under it that hold pairs too add theirs
        j = i + 1
        # (or, in a text copy, over the lines right under it: both in no table)
        while not {"adjusted", "executed"} <= set(got) and got and j < min(len(rows), i + MAX_KEYED_ROWS) \
                and rows[j].table == row.table:
            texts = [fold_cell(t) for t in rows[j].texts if t.strip()]
            if _keyed_pairs(texts, got, scale) < 0:
                break
            j += 1
        if not {"adjusted", "executed"} <= set(got):
            continue
        above = [fold_cell(t) for t in rows[i - 1].texts] if i > 0 else []
        tail = texts[last + 1:]
        if "rate" not in got and len(tail) == 1 and _is_amount(tail[0]) \
                and any(_KEYED["rate"].match(t) for t in above):
            n = parse_number(tail[0])
            if n is not None and n <= MAX_RATE_PERCENT:
                got["rate"] = parse_rate(tail[0]) if "%" in tail[0] else n / 100.0
        return got
    return {}


def _keyed_pairs(texts: list[str], got: dict[str, float], scale: float) -> int:
    """Add the row's label | amount pairs to `got`; the position of its last amount (-1 for none)."""
    last = -1
    for k, (key, val) in enumerate(zip(texts, texts[1:])):
        role = next((r for r, pat in _KEYED.items() if pat.match(key)), None)
        if role is None or role in got or not _is_amount(val):
            continue
        v = parse_rate(val) if role == "rate" else parse_number(val)
        if v is None:
            continue
        got[role] = v if role == "rate" else v / _cell_scale(val, scale)
        last = k + 1
    return last


_RATE_LINE = re.compile(rf"^(年度)?({alternation(_COLUMNS['keyed_rate'])})(\(%\))?[:：]?(?P<rate>\d+(\.\d+)?%)"
                        rf"({alternation(_COLUMNS['keyed_weight'])})[:：]?(?P<weight>\d+(\.\d+)?)分?$")


def rate_line(rows: list[Row]) -> tuple[float, float] | None:
    """(rate, weight) of a line that states the budget's execution rate and the weight it carries, each after
    its word ('年度预算执行率 100% 分值 10分'); None where no line does."""
    for row in rows:
        m = _RATE_LINE.match(fold_cell("".join(row.texts)))
        if m:
            return parse_rate(m.group("rate")), float(m.group("weight"))
    return None


_TARGET_TOTAL = re.compile(rf"^({alternation(_MONEY['target_total'])})")
_NUM_IN = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|万|元)?")


def _first_amount(text: str, scale: float) -> float | None:
    m = _NUM_IN.search(text)
    if not m:
        return None
    v = float(m.group(1).replace(",", ""))
    if m.group(2) == "元":
        return v / YUAN_PER_WAN
    if m.group(2) in ("万元", "万"):
        return v
    return v / scale


def _keyed_amount(cell: str, after: str, key: str, scale: float) -> float | None:
    """The amount of a key cell: in the same cell ('财政资金：0.67') or in the next one."""
    m = re.match(key, cell)
    if not m:
        return None
    rest = cell[m.end():]
    v = _first_amount(rest, scale) if rest else None
    if v is None and re.match(r"^\d", after):
        v = _first_amount(after, scale)
    return v


_MONEY_KEYS = [
    ("initial", _TARGET_TOTAL),
    ("fiscal", re.compile(rf"^({_OF_WHICH})?({alternation(_MONEY['fiscal'])})({_SUBTOTAL})?$")),
    ("other", re.compile(rf"^({_OF_WHICH})?({alternation(_MONEY['other'])})$")),
]


_MONEY_WORD = re.compile(
    rf"({_OF_WHICH})?({alternation(_MONEY['fiscal'])})({_SUBTOTAL})?|({_OF_WHICH})?({alternation(_MONEY['other'])})|"
    + "|".join(sorted(_TARGET_TOTAL.pattern.strip("^()").split("|"), key=len, reverse=True)))
_AMOUNT_RUN = re.compile(r"(?:\d+\.\d{2}){2,}")
# amounts run into the words of the next part of the form ('371.66371.66资金支出计划(万元)3月底…'): no unit follows
_LEADING_AMOUNTS = re.compile(rf"(?:\d+\.\d{{2}})+(?![\d.]|{alternation(lexicon().known_units)})(?=\D)")


def _unglue_money(text: str) -> list[str]:
    """A glued copy's money header and amounts back into cells: '…预算数其中：财政资金其他资金' ->
    '…' | '预算数' | '其中：财政资金' | '其他资金'; '371.66371.66' -> '371.66' | '371.66' (amounts
    carry two decimals, so a run is cut after each pair)."""
    if _AMOUNT_RUN.fullmatch(text):
        return re.findall(r"\d+\.\d{2}", text)
    lead = _LEADING_AMOUNTS.match(text)
    if lead:  # the amounts under a key row, glued to the next part's words: cut off, cut after each pair
        return re.findall(r"\d+\.\d{2}", lead.group()) + _unglue_money(text[lead.end():])
    starts = [m.start() for m in _MONEY_WORD.finditer(text)]
    if len(starts) < 2:
        return [text]
    bounds = sorted({0, *starts, len(text)})
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b]]


def _keys_then_amounts(rows: list[Row], b: Budget, scale: float, s: MoneySettings = MONEY) -> None:
    """A header row of money keys then a row of amounts, copied as one stream of cells:
    '资金总额 其中：财政拨款 其他资金 526.45 526.45' (an empty last amount simply vanished). A key a narrow cell
    wrapped inside ('其中：财政资 | 金') is the key whole."""
    cells = [part for r in rows for c in r.cells if c.text.strip() for part in _unglue_money(fold_cell(c.text))]

    def key_at(j: int) -> tuple[str | None, int]:
        field_ = next((f for f, pat in _MONEY_KEYS if pat.match(_ENUM.sub("", cells[j]))), None)
        if field_ is None and j + 1 < len(cells) and len(cells[j + 1]) <= s.head_tail_len \
                and _HEAD_WORD_CHARS.fullmatch(cells[j + 1]):
            joined = _ENUM.sub("", cells[j] + cells[j + 1])
            return next((f for f, pat in _MONEY_KEYS if pat.match(joined)), None), 2
        return field_, 1

    for k in range(len(cells)):
        keys = []
        j = k
        while j < len(cells):
            field_, width = key_at(j)
            if field_ is None or field_ in keys or re.search(r"\d", cells[j]):
                break
            keys.append(field_)
            j += width
        if len(keys) < 2:
            continue
        amounts = []
        while j < len(cells) and re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?(万元|元)?", cells[j]) and len(amounts) < len(keys):
            amounts.append(_first_amount(cells[j], scale))
            j += 1
        if not amounts:
            continue
        for f, v in zip(keys, amounts):
            if getattr(b, f) is None:
                setattr(b, f, v)
        return


_BETWEEN = frozenset(_MONEY["target_total_between"])
MAX_BETWEEN = 2  # words that may stand between a budget label and its amount


def _past_total_words(cells: list[tuple[str, int, bool]], k: int, after: str) -> str:
    """The cell that holds a budget label's amount when the row's own total word ('合计', '总额') or the
    label's wrapped tail ('及构成') stands between them; `after` (the next cell) otherwise."""
    row_i, in_table = cells[k][1], cells[k][2]
    j = k + 1
    while j < len(cells) and j - k <= MAX_BETWEEN and cells[j][0] in _BETWEEN \
            and (cells[j][1] == row_i or not in_table):
        j += 1
    if j == k + 1 or j >= len(cells) or (in_table and cells[j][1] != row_i):
        return after
    return cells[j][0]


MAX_PARTS_TO_TOTAL = 40  # cells between a block's 财政拨款 and its 合计 (a department's 收入构成 beside 支出构成)


def _parts_total(cells: list[tuple[str, int, bool]], b: Budget, scale: float) -> float | None:
    """A department target's income block: '财政拨款 | a | 其他资金 | b | 合计 | c'. The first total row after the
    财政拨款 key whose amount is at least the parts' sum is the budget (a total of weights or of spending
    lines elsewhere is smaller than the money it must hold, or is no amount)."""
    start = next((k for k, (t, _, _) in enumerate(cells) if _FISCAL_LABEL.match(_ENUM.sub("", t))), None)
    if start is None:
        return None
    parts = (b.fiscal or 0.0) + (b.other or 0.0)
    for k in range(start + 1, min(len(cells) - 1, start + MAX_PARTS_TO_TOTAL)):
        if _TOTAL_LABEL.fullmatch(cells[k][0]) and re.fullmatch(r"\d[\d,]*(\.\d+)?(万元|元)?", cells[k + 1][0]):
            v = _first_amount(cells[k + 1][0], scale)
            if v is not None and v >= parts:
                return v
    return None


# (written once: the labels are sorted into an alternation, and this is asked of every cell of a target table)
_FISCAL_KEY = rf"^({_OF_WHICH})?({alternation(_MONEY['fiscal'])})({_SUBTOTAL})?[:：]?"
_OTHER_KEY = rf"^({_OF_WHICH})?({alternation(_MONEY['other'])})[:：]?"


_SUM_ROW = re.compile(rf"^({alternation(_COLUMNS['sum_row'])})$")


def _sum_row_amount(rows: list[Row], first: int, pos: int) -> str | None:
    """The amount at column `pos` of the sum row ('金额合计') that closes the run of amount rows starting at
    `first` (a department's tasks, each with its amount), or None where the amounts run into no sum row."""
    table = rows[first].table
    for row in rows[first:]:
        if row.table != table:
            return None
        texts = [fold_cell(c.text) for c in row.cells]
        at = texts[pos] if pos < len(texts) else ""
        lead = next((t for t in texts[:pos] if t), "")
        if _SUM_ROW.match(lead):
            return at if re.match(r"^\d", at) else None
        if not re.match(r"^\d", at):
            return None
    return None


def target_budget(rows: list[Row]) -> Budget:
    """预算数 of a target table, its 财政资金 / 其他资金 parts and the 资金支出计划."""
    b = Budget(in_yuan=amounts_in_yuan(rows))
    scale = YUAN_PER_WAN if b.in_yuan else 1.0
    # grid: a key cell with its amount in the cell below ('资金总额' over '526.45'), or in the sum row of the
    # parts listed under it
    for n, (r, below) in enumerate(zip(rows, rows[1:])):
        if r.table is None or below.table != r.table:
            continue
        for pos, cell in enumerate(r.cells):
            key = _ENUM.sub("", fold_cell(cell.text))
            under = below.cells[pos].text if pos < len(below.cells) else ""
            if not re.match(r"^\d", fold_cell(under)):
                continue
            summed = _sum_row_amount(rows, n + 1, pos)
            if summed is not None:
                under = summed
                if b.initial is None and _TOTAL_LABEL.fullmatch(key):
                    b.initial = _first_amount(fold_cell(under), scale)  # '总额' heads the parts' own total
                    continue
            if b.initial is None and _TARGET_TOTAL.match(key):
                b.initial = _first_amount(fold_cell(under), scale)
            elif b.fiscal is None and _FISCAL_LABEL.match(key):
                b.fiscal = _first_amount(fold_cell(under), scale)
            elif b.other is None and _OTHER_LABEL.match(key):
                b.other = _first_amount(fold_cell(under), scale)
    _keys_then_amounts(rows, b, scale)
    # (text, row index, row is a table row): in a table a key's amount is beside it (or below,
    # handled above), never in the next row; in a stream of cells it is simply the next cell
    cells = [(fold_cell(c.text), i, r.table is not None) for i, r in enumerate(rows) for c in r.cells if c.text.strip()]
    def money_field(text: str) -> str | None:
        key = _ENUM.sub("", text)
        return None if re.search(r"\d", key) else next((f for f, pat in _MONEY_KEYS if pat.match(key)), None)

    for k, (s, row_i, in_table) in enumerate(cells):
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        after = nxt[0] if nxt and (nxt[1] == row_i or not in_table) else ""
        field_ = money_field(s)
        if k > 0 and field_ is not None and money_field(cells[k - 1][0]) not in (None, field_):
            after = ""  # the last key of a header run: its amount is placed by _keys_then_amounts
        # (a key after its group's label, '项目资金(万元) | 年度资金总额 | 600', names the same field: no run)
        if b.initial is None:
            m = _TARGET_TOTAL.match(s)
            if m:
                rest = s[m.end():].lstrip("(（万元)）:：")
                v = _first_amount(rest, scale) if rest and re.match(r"\d", rest) else None
                if v is None and not rest:
                    after = _past_total_words(cells, k, after)
                if v is None and re.match(r"^\d", after):
                    v = _first_amount(after, scale)
                if v is not None:
                    b.initial = v
                    continue
        s = _ENUM.sub("", s)
        if b.fiscal is None:
            b.fiscal = _keyed_amount(s, after, _FISCAL_KEY, scale)
        if b.other is None:
            b.other = _keyed_amount(s, after, _OTHER_KEY, scale)
    if b.initial is None:
        b.initial = _request_beside_prior_year(rows, scale)
    if b.initial is None and b.fiscal is not None:
        b.initial = _parts_total(cells, b, scale)
    if b.initial is None and b.fiscal is not None:
        b.initial = b.fiscal
        b.notes.append("未见预算总数：取财政资金数")
    b.plan = spending_plan(rows, scale)
    stated = rate_line(rows)
    if stated:
        b.rate, b.weight = stated
    return b


_PRIOR_YEAR = re.compile(rf"^({alternation(_MONEY['prior_year_amount'])})")
_FIGURE = re.compile(rf"\d+(?:,\d{{3}})*(?:\.\d+)?({'|'.join(_MONEY_UNITS)})?")


def _request_beside_prior_year(rows: list[Row], scale: float) -> float | None:
    """'项 目 | 上年度安排资金 | 本年度申请资金' over '合 计 | 213.4 | 259': the total row's amount under the request
    column (its place among the two year columns), not last year's."""
    for i, row in enumerate(rows):
        texts = [fold_cell(t) for t in row.texts if t.strip()]
        first = next((k for k, t in enumerate(texts) if _PRIOR_YEAR.match(t)), None)
        if first is None:
            continue
        # the year columns from last year's on (the block's own label before them, '项目资金申请(万元)', is none)
        cols = [("prior" if _PRIOR_YEAR.match(t) else "now") for t in texts[first:] if _PRIOR_YEAR.match(t) or _TARGET_TOTAL.match(t)]
        if "now" not in cols:
            continue
        for below in rows[i + 1: i + 3]:
            cells = [fold_cell(t) for t in below.texts if t.strip()]
            label = "".join(c for c in cells if not _FIGURE.fullmatch(c))  # '合 计' split at its space
            figures = [c for c in cells if _FIGURE.fullmatch(c)]
            if _TOTAL_LABEL.match(label) and len(figures) == len(cols):
                return _first_amount(figures[cols.index("now")], scale)
    return None


def spending_plan(rows: list[Row], scale: float) -> list[SpendPoint]:
    """资金支出计划: a row of periods (3月底 6月底 …) and the row of values under it."""
    for i, row in enumerate(rows):
        periods = [(pos, fold_cell(c.text)) for pos, c in enumerate(row.cells) if re.fullmatch(r"\d{1,2}月(底|末)?(前)?", fold_cell(c.text))]
        if len(periods) < 2 or i + 1 >= len(rows):
            continue
        below = rows[i + 1]
        points = []
        for pos, label in periods:
            cell = below.cells[pos] if pos < len(below.cells) else None
            value = parse_number(cell.text) if cell is not None else None
            if value is None:
                value = _nearest_number(below, pos)
            points.append(
                SpendPoint(
                    period=label,
                    month=int(re.match(r"\d+", label).group()),
                    value=None if value is None else value / scale,
                    loc=(cell.loc if cell is not None else below.loc),
                )
            )
        return points
    return []


def _nearest_number(row: Row, pos: int) -> float | None:
    # merged period cells shift values by a column in text copies
    for d in (1, -1):
        p = pos + d
        if 0 <= p < len(row.cells):
            v = parse_number(row.cells[p].text)
            if v is not None:
                return v
    return None


def merge_locs(rows: list[Row]) -> Loc | None:
    loc = None
    for r in rows:
        loc = r.loc if loc is None else loc.merge(r.loc)
    return loc
