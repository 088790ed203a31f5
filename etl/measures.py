"""The measures every stage shares, defined once: in Python for the checks, in SQL for the marts,
the dashboard and the printed report, so a figure on screen, in the PDF and in a finding agree.

- fold(text): the canonical spelling two texts are compared in (NFKC, simplified script, the
  lexicon's look-alike operators, no white space); PHRASE is its SQL part for stored texts.
- fold_key(text): the stricter fold of identity keys (no punctuation, lower case).
- rate_of(adjusted, executed) / exec_rate(filing): B / A, else the printed 执行率; EXEC_RATE in SQL.
- GRADES / grade_for(score) / GRADE_BAND: the 优良中差 bands of settings.toml [grades].
- to_wan(num, unit): an amount in 万元, the unit every stored amount is in.
- place_of(filing) / PLACE_NAME / PLACE / COUNTY_KEY: where a filing is from.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from etl.lexicon import lexicon
from etl.normalise.script import fold_script, t2s

# --------------------------------------------------------------------------- fold

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Canonical spelling for comparisons: NFKC, simplified script, look-alike operators, no white space.

    Memoised: the checks fold the same few thousand strings of a filing in every rule
    (~1,000 calls a filing), and the result depends on the text alone.
    """
    text = fold_script(unicodedata.normalize("NFKC", text))
    for a, b in lexicon().fold_chars:
        text = text.replace(a, b)
    return _SPACE.sub("", text)


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=200_000)
def _simplified(text: str) -> str:
    return t2s().convert(text)


def fold_key(text: str | None) -> str:
    """The fold of identity keys (departments, places, indicator names across filings): simplified
    script, NFKC, lower case, no punctuation or white space."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = _simplified(s)
    return _NOT_WORD.sub("", s).lower()


def _phrase_sql() -> str:
    sql = "regexp_replace({c}, '\\s+', '', 'g')"
    for a, b in lexicon().fold_chars:  # our own lexicon's characters, not data
        sql = f"replace({sql}, '{a}', '{b}')"
    return sql


# A stored text as phrases are counted (a vague finding's evidence): white space dropped and the
# lexicon's look-alike operators folded, as fold() does (format with c=<column>).
PHRASE = _phrase_sql()

# --------------------------------------------------------------------------- execution rate (B / A)


def rate_of(adjusted: float | None, executed: float | None) -> float | None:
    """B / A: the execution rate a filing's amounts give (None without a positive budget)."""
    if adjusted is None or executed is None or adjusted <= 0:
        return None
    return round(executed / adjusted, 6)


def exec_rate_computed(filing) -> float | None:
    """A filing's B / A (table filing_metrics.exec_rate_computed)."""
    return rate_of(filing.budget_adjusted, filing.budget_executed)


def exec_rate(filing) -> float | None:
    """B / A when both are known, else the printed rate."""
    r = exec_rate_computed(filing)
    return r if r is not None else filing.exec_rate_reported


# The same over filings f and filing_metrics m (whose exec_rate_computed is rate_of's value).
EXEC_RATE = "coalesce(m.exec_rate_computed, f.budget_executed / nullif(f.budget_adjusted, 0), f.exec_rate_reported)"
FROM_FM = "FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id"

# --------------------------------------------------------------------------- grades

SETTINGS_FILE = Path(__file__).with_name("check") / "settings.toml"


@lru_cache(maxsize=1)
def _grades() -> tuple[tuple[str, float], ...]:
    with open(SETTINGS_FILE, "rb") as fh:
        table = tomllib.load(fh).get("grades", {})
    return tuple(sorted(((g, float(v)) for g, v in table.items()), key=lambda gv: -gv[1]))


GRADES: tuple[tuple[str, float], ...] = _grades()  # (grade, lowest score), best first: settings.toml [grades]


def grade_for(score: float | None, grades: tuple[tuple[str, float], ...] | list = GRADES) -> str | None:
    """The grade a total score earns (优 ≥ 90 …), by the given bands (a jurisdiction's own, else the defaults)."""
    if score is None:
        return None
    for grade, low in grades:
        if score >= low - 1e-9:
            return grade
    return grades[-1][0] if grades else None


def _grade_sql() -> str:
    *upper, (last, _) = GRADES
    whens = " ".join(f"WHEN {{c}} >= {low:g} THEN '{g}'" for g, low in upper)  # our own settings, not data
    return f"CASE {whens} WHEN {{c}} IS NOT NULL THEN '{last}' END"


GRADE_BAND = _grade_sql()  # the grade of a score column in SQL (format with c=<column>)

# --------------------------------------------------------------------------- money

# Money units in 万元 (every stored amount is 万元; targets keep their printed unit).
MONEY_IN_WAN = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "万": 1.0, "百万元": 100.0, "亿元": 1e4}


def to_wan(num: float, unit: str) -> float:
    """An amount printed in `unit` (元, 千元, 万元, 亿元 …) in 万元."""
    return num * MONEY_IN_WAN[unit]

# --------------------------------------------------------------------------- place


def place_of(filing) -> str | None:
    """The most specific place a filing names: its county, else its city, else its province."""
    return filing.county or filing.city or filing.province


# The same in SQL over filings f, unknown places under one name.
PLACE_NAME = "coalesce(f.county, f.city, f.province, '（地区未知）')"
# A readable place label: "株洲市 渌口区", else the province, else unknown.
PLACE = "coalesce(nullif(concat_ws(' ', f.city, f.county), ''), f.province, '（地区未知）')"
# One county, told apart from a namesake in another city or province.
COUNTY_KEY = "concat_ws('|', f.province, f.city, f.county)"

METRIC_SQL = {
    "self_score": "median(f.total_score)",
    "exec_rate": f"median({EXEC_RATE})",
    "vague_share": "sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0)",
    "inflation": "avg(m.inflation)",
    "no_reason_share": "sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0)",
    "findings_per_filing": "avg(coalesce(m.finding_count, 0))",
    "filings": "count(*)::DOUBLE",
}
