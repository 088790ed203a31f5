"""The measures every stage shares, defined once: in Python for the checks, in SQL for the marts,
the dashboard and the printed report, so a figure on screen, in the PDF and in a finding agree.

- fold(text): the canonical spelling two texts are compared in (NFKC, simplified script, the
  lexicon's look-alike operators, no white space); PHRASE is its SQL part for stored texts.
- fold_key(text): the stricter fold of identity keys (no punctuation, lower case).
- rate_of(adjusted, executed) / exec_rate(filing): B / A, else the printed 执行率; EXEC_RATE in SQL.
- GRADES / grade_for(score) / GRADE_BAND: the 优良中差 bands of settings.toml [grades].
- to_wan(num, unit): an amount in 万元, the unit every stored amount is in.
- place_of(filing) / PLACE_NAME / PLACE / COUNTY_KEY: where a filing is from.
- PROBLEMS / FROM_FMP: a filing's problems (its rows in findings); COMPARE / SCORECARD: the measures of a
  group of filings (the comparison, the scorecard, the report's tables), BAND_COLORS / quartile_band: a
  value's position among its peers; unverified_sql: a finding 待核实 ([review] threshold).
"""
from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.lexicon import functions, lexicon
from etl.normalise.script import fold_script, t2s_convert
from etl.records import YUAN_PER_WAN

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
    return t2s_convert(text)


def fold_key(text: str | None) -> str:
    """The fold of identity keys (departments, places, indicator names across filings): simplified
    script, NFKC, lower case, no punctuation or white space."""
    if not text:
        return ""
    return _fold_key(text)


@lru_cache(maxsize=1 << 16)
def _fold_key(text: str) -> str:
    # memoised: a bulk import folds each row's place, department and indicator names while reading and
    # again in the cross-year refresh (~180,000 calls at 100,000 rows), mostly the same few thousand texts
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
SETTINGS_ENV = "JIXIAO_SETTINGS"  # a settings file of one's own over it (etl/check/settings.py)


@lru_cache(maxsize=None)
def _settings_table(name: str) -> dict:
    with open(SETTINGS_FILE, "rb") as fh:
        return tomllib.load(fh).get(name, {})


def _grades() -> tuple[tuple[str, float], ...]:
    table = _settings_table("grades")
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
MONEY_IN_WAN = {"元": 1 / YUAN_PER_WAN, "千元": 1e-1, "万元": 1.0, "万": 1.0, "百万元": 100.0, "亿元": 1e4}


def to_wan(num: float, unit: str) -> float:
    """An amount printed in `unit` (元, 千元, 万元, 亿元 …) in 万元."""
    return num * MONEY_IN_WAN[unit]

# --------------------------------------------------------------------------- place


def place_of(filing) -> str | None:
    """The most specific place a filing names: its county, else its city, else its province."""
    return filing.county or filing.city or filing.province


NO_PLACE = "（地区未知）"  # the label of a filing that names no place
# The same in SQL over filings f, unknown places under one name.
PLACE_NAME = f"coalesce(f.county, f.city, f.province, '{NO_PLACE}')"
# A readable place label: "株洲市 渌口区", else the province, else unknown.
PLACE = f"coalesce(nullif(concat_ws(' ', f.city, f.county), ''), f.province, '{NO_PLACE}')"
# One county, told apart from a namesake in another city or province.
COUNTY_KEY = "concat_ws('|', f.province, f.city, f.county)"

# --------------------------------------------------------------------------- problems and the measures of a group

# A filing's problems, defined once: its rows in `findings`, of every family, the soft-target and copy
# findings that the cross-filing refresh writes after the per-file checks included. 问题数, the sort by it,
# 问题最多的填报, the findings list and the report all count these rows (filing_metrics.finding_count, written
# with the per-file checks, misses the cross-filing ones and is read by nothing).
PROBLEMS = ("(SELECT filing_id, count(*) AS finding_count, count(*) FILTER (WHERE severity = 'error') AS error_count "
            "FROM findings GROUP BY filing_id)")
FROM_FMP = f"{FROM_FM} LEFT JOIN {PROBLEMS} p ON p.filing_id = f.filing_id"  # filings, metrics and problems (alias p)


@dataclass(frozen=True)
class Measure:
    """One figure of a group of filings: its Chinese label, its aggregate SQL and how it is read.

    direction: "up" a higher value is better, "down" a lower one is; "watch" a high value is what needs
    explaining (a self-score is the filer's own claim: the overseer looks at the highest first, it is no
    merit); "size" neither (how many filings, how much money).
    kind: "share" (a 0-1 fraction shown as %), "score", "count", "money" (万元), "ratio" (per filing).
    """

    key: str
    label: str
    sql: str
    kind: str
    direction: str
    unit: str = ""  # of a change: 百分点 for shares, else 分 / 份 / 个 / 万元


def _m(key, label, sql, kind, direction, unit=""):
    return key, Measure(key, label, sql, kind, direction, unit or ("百分点" if kind == "share" else ""))


# The comparison's measures (对比分析, the report's peer table): each is also stored per unit in mart_units.
COMPARE = dict([
    _m("self_score", "自评得分（中位数）", "median(f.total_score)", "score", "watch", "分"),
    _m("exec_rate", "预算执行率（中位数）", f"median({EXEC_RATE})", "share", "up"),
    _m("vague_share", "模糊指标占比", "sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0)", "share", "down"),
    _m("inflation", "自评虚高（平均分）", "avg(m.inflation)", "score", "down", "分"),
    _m("no_reason_share", "扣分无原因占比", "sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0)",
       "share", "down"),
    _m("findings_per_filing", "每份填报问题数", "avg(coalesce(p.finding_count, 0))", "ratio", "down", "个"),
    _m("filings", "填报数", "count(*)::DOUBLE", "count", "size", "份"),
])
METRIC_SQL = {k: m.sql for k, m in COMPARE.items()}

# The scorecard (县区评分卡): a county's or department's filings against all measures at once. The two
# thresholds are part of what the measures say (the report and the page name them in the label); they
# are the soft rule's (settings.toml [soft]: a low 执行率 beside a high self-score), so a county's
# "执行率<80%占比" and the findings of that rule draw one line.
SELF_SCORE_HIGH = float(_settings_table("soft")["self_score_high"])
EXEC_LOW = float(_settings_table("soft")["exec_rate_low"])
SCORECARD = dict([
    _m("filings", "填报数", "count(*)", "count", "size", "份"),
    _m("money", "资金（万元）", "sum(f.budget_adjusted)", "money", "size", "万元"),
    _m("self_score", "自评得分中位数", "median(f.total_score)", "score", "watch", "分"),
    _m("high_share", f"自评≥{SELF_SCORE_HIGH:g}占比",
       f"count(*) FILTER (WHERE f.total_score >= {SELF_SCORE_HIGH})::DOUBLE / nullif(count(f.total_score), 0)",
       "share", "watch"),
    _m("exec_rate", "执行率中位数", f"median({EXEC_RATE})", "share", "up"),
    _m("low_exec_share", f"执行率<{EXEC_LOW:.0%}占比",
       f"count(*) FILTER (WHERE {EXEC_RATE} < {EXEC_LOW})::DOUBLE / nullif(count({EXEC_RATE}), 0)", "share", "down"),
    _m("vague_share", "模糊指标占比", "sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0)", "share", "down"),
    _m("findings_per_filing", "每份问题数", "avg(coalesce(p.finding_count, 0))", "ratio", "down", "个"),
    _m("confidence", "解析置信度", "avg(f.parse_confidence)", "share", "up"),
])
# Per family: that family's problems per filing (a column each, after the measures above), and the
# soft-target index (soft_indices.soft_share, over all years), the last column.
FAMILY_RATE = "fam_{family}"
SOFT_SHARE = "soft_share"

# A value's position among its peers, in fixed quartile bands: 0 at or below P25, 1 up to P50, 2 up to P75,
# 3 above. The colour of each band says what the position means for the measure's direction (the page,
# its XLSX export and the report use these): better or worse for up / down, needing an explanation for a
# high self-score (watch), only more or less for a size. None: no colour.
BAND_COLORS = {
    "up": ("#F4B6B6", "#FBE3A5", "#D9EDC5", "#A9D49A"),
    "down": ("#A9D49A", "#D9EDC5", "#FBE3A5", "#F4B6B6"),
    "watch": (None, None, "#FBE3A5", "#F4B6B6"),
    "size": ("#EAF1F8", "#D3E2F1", "#B7D0E8", "#96BADF"),
}
BAND_NAMES = ("P25 及以下", "P25–P50", "P50–P75", "P75 以上")


def quartile_band(value, p25, p50, p75) -> int | None:
    """Which quartile band of its peers a value is in (see BAND_COLORS); None when it or the peers have none."""
    try:
        if value is None or p25 is None or value != value or p25 != p25:
            return None
    except TypeError:  # pandas' NA
        return None
    if value <= p25:
        return 0
    if value <= p50:
        return 1
    if value <= p75:
        return 2
    return 3


def function_case(col: str = "f.department") -> tuple[str, list]:
    """A department's function from its name (etl/lexicon.toml [functions]) as SQL: CASE text and its
    parameters (the words travel as values). The scorecard's department peers share a function."""
    parts, params = [], []
    for name, words in functions():
        parts.append("WHEN " + " OR ".join([f"contains({col}, ?)"] * len(words)) + " THEN ?")
        params += [*words, name]
    return f"(CASE {' '.join(parts)} END)", params


def position_words(direction: str, band: int | None) -> str:
    """Where a value stands among its peers, in words for the report's conclusions."""
    if band is None:
        return "无同组比较"
    said = ("处于同组最低的四分之一", "低于同组中位数", "高于同组中位数", "处于同组最高的四分之一")[band]
    judged = {"up": {0: "（较差）", 3: "（较好）"}, "down": {0: "（较好）", 3: "（较差）"},
              "watch": {3: "（需重点核实）"}}.get(direction, {})
    return said + judged.get(band, "")


def review_threshold() -> float:
    """[review] threshold of the settings: rows read with less confidence are not trusted yet.

    Read here from the settings file (the one $JIXIAO_SETTINGS names over settings.toml, as
    etl.check.settings.load_settings reads it): the marts and the dashboard use it, and they sit
    below the checks' layer."""
    return _review_threshold(os.environ.get(SETTINGS_ENV) or "")


@lru_cache(maxsize=8)
def _review_threshold(own: str) -> float:
    for path in (own, SETTINGS_FILE):
        if path:
            with open(path, "rb") as fh:
                value = tomllib.load(fh).get("review", {}).get("threshold")
            if value is not None:
                return float(value)
    return 0.9


def unverified_sql(i: str = "i", f: str = "f") -> str:
    """A finding 待核实: its row (i), or for a finding about the whole filing the filing (f), was read with
    less confidence than [review] threshold, so it may be a reading error rather than the filer's; it is
    counted apart until a person confirms or corrects the row (which sets its confidence to 1, etl/review).
    NULL (never true) where the database has no confidence. The threshold is our own number, from the settings."""
    return f"(coalesce({i}.parse_confidence, {f}.parse_confidence) < {float(review_threshold())!r})"
