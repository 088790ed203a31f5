"""The total row of an indicator table: '总分 | 100 | 93.5 | 优'.

One reader for every layout. A web copy may glue the row's figures together
('总分10093.5'): the run is split where the table's arithmetic reads best: the
total weight is whole, the score is not above it, and the weight is the sum
of the rows' weights where they are known (else the usual 100).
"""
from __future__ import annotations

import re

from etl.lexicon import lexicon
from etl.normalise.measure import fold, parse_number
from etl.parse.vocab import TOTAL_ROW_RE, fold_cell

GRADES = lexicon().grade_words  # the grade words a filing prints after its score
USUAL_TOTAL = 100.0  # the Ministry's templates score out of 100
_WITH_GRADE = re.compile(r"(\d+(?:\.\d+)?)(%s)?" % "|".join(sorted(GRADES, key=len, reverse=True)))


_LEADING_RUN = re.compile(r"^(\d+(?:\.\d+)?)(?:分)?(?=[\u4e00-\u9fff])")


def leading_figures(text: str) -> str | None:
    """A total row's figures glued to the words after the table ('100100注:1.…', '100偏差大或…'): the
    leading figures, or None when the text does not open with figures followed by words."""
    m = _LEADING_RUN.match(fold_cell(text))
    return m.group(1) if m else None


def split_run(run: str, expected: float | None = None) -> tuple[float, float] | None:
    """'10093.5' -> (100, 93.5): a total weight and score printed with no separator."""
    want = expected or USUAL_TOTAL
    best = None
    for cut in range(1, len(run)):
        a, b = run[:cut], run[cut:]
        if not re.fullmatch(r"[1-9]\d*", a) or not re.fullmatch(r"(0|[1-9]\d*)(\.\d+)?", b):
            continue
        w, s = float(a), float(b)
        if s > w:
            continue
        cost = abs(w - want) / want
        if best is None or cost < best[0]:
            best = (cost, w, s)
    return (best[1], best[2]) if best else None


def read_total(texts: list[str], expected_weight: float | None = None) -> tuple[float | None, float | None, str | None] | None:
    """(total weight, total score, grade) from a total row's texts, the label first; None if it is no total row.

    `expected_weight`: the sum of the rows' weights, used only to split figures that ran together.
    """
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        return None
    head = fold_cell(texts[0])
    m = TOTAL_ROW_RE.match(head)
    if not m:
        return None
    rest = head[m.end():]
    # '总分(100分) | 100': the label states the total weight, the one figure after it is the score
    label = re.match(r"^[(（](\d+(?:\.\d+)?)分[)）]", rest)
    label_weight = float(label.group(1)) if label else None
    rest = rest[label.end():] if label else rest
    rest = rest.lstrip(":：(（分)）")
    pieces = ([rest] if rest else []) + texts[1:]
    nums: list[float] = []
    grade = None
    numeric = [p for p in pieces if parse_number(p) is not None or _WITH_GRADE.fullmatch(p)]
    if not numeric and pieces:
        # the row's figures glued to the text after the table ('100100注:1.…', '100偏差大或…'): the leading
        # run is the row's, the rest is not
        lead = leading_figures(pieces[0])
        if lead:
            pieces = numeric = [lead]
    for p in pieces:
        g = fold(p)
        if g in GRADES:
            grade = grade or g
            continue
        m = _WITH_GRADE.fullmatch(p)
        if m is None:
            n = parse_number(p)  # '93.5分', '1,000'
            if n is not None:
                nums.append(n)
            continue
        n = float(m.group(1))
        grade = grade or m.group(2)
        if len(numeric) == 1 and n > (expected_weight or USUAL_TOTAL):
            # one figure above any total: a weight and a score that ran together
            pair = split_run(m.group(1), expected_weight)
            if pair:
                nums.extend(pair)
                continue
        nums.append(n)
    if len(nums) >= 2:
        return nums[0], nums[1], grade
    if len(nums) == 1:
        return label_weight, nums[0], grade
    return label_weight, None, grade


MIN_PARTS_ABOVE = 2  # rows of a result table above its total whose weights must add up to it
_SUM_SLACK = 0.01  # (figures printed to two places)


def _figure_row(texts: list[str]) -> tuple[str, list[float], str | None] | None:
    """A result table's row: an optional label, then figures and grade words only ('产出 | 20.00 | 20.00 | 优');
    None for a row with other words (a header, prose)."""
    # (a text copy may keep a row's cells in one line between pipes: '55.00 | 49.04 | 优 | |')
    texts = [fold_cell(p) for t in texts if t for p in t.split("|") if p.strip()]
    label = texts[0] if texts and parse_number(texts[0]) is None and fold(texts[0]) not in GRADES else ""
    nums: list[float] = []
    grade = None
    for t in texts[1:] if label else texts:
        if fold(t) in GRADES:
            grade = grade or fold(t)
            continue
        n = parse_number(t)
        if n is None:
            return None
        nums.append(n)
    return (label, nums, grade) if nums else None


def result_table_total(rows: list) -> tuple[float, float, str] | None:
    """(total weight, total score, grade) of a report's result table ('一级指标 | 分值 | 得分 | 等级' … '合计 |
    100 | 94.04 | 优'): the graded row of the usual full weight and a score not above it, labelled as a total, or
    with no label left when its weight is the sum of the weights of the rows above it (a copy that lost the
    table's words keeps '15 | 优', '55 | 49.04 | 优', …, '100 | 94.04 | 优'). A money table prints no grade."""
    run: list[list[float]] = []  # the figures of the rows above, back to the last row of words
    for row in rows:
        got = _figure_row(list(row.texts))
        if got is None:
            run = []
            continue
        label, nums, grade = got
        if grade and len(nums) >= 2 and nums[0] == USUAL_TOTAL and nums[1] <= nums[0]:
            if TOTAL_ROW_RE.match(label) or (not label and len(run) >= MIN_PARTS_ABOVE
                                             and abs(sum(r[0] for r in run) - nums[0]) < _SUM_SLACK):
                return nums[0], nums[1], grade
        run.append(nums)
    return None
