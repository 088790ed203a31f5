"""The measures the dashboard and the printed report share, as SQL over filings (f), filing_metrics (m) and problems (p).

Defined once here so that a figure in the PDF and the same figure on screen agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from etl.lexicon import functions

# A readable place label: "株洲市 渌口区", else the province, else unknown.
PLACE = "coalesce(nullif(concat_ws(' ', f.city, f.county), ''), f.province, '（地区未知）')"
# Execution rate: B / A when both are known, else the printed rate.
EXEC_RATE = "coalesce(m.exec_rate_computed, f.budget_executed / nullif(f.budget_adjusted, 0), f.exec_rate_reported)"
FROM_FM = "FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id"
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
# thresholds are part of what the measures say (the report and the page name them in the label).
SELF_SCORE_HIGH = 95
EXEC_LOW = 0.80
SCORECARD = dict([
    _m("filings", "填报数", "count(*)", "count", "size", "份"),
    _m("money", "资金（万元）", "sum(f.budget_adjusted)", "money", "size", "万元"),
    _m("self_score", "自评得分中位数", "median(f.total_score)", "score", "watch", "分"),
    _m("high_share", f"自评≥{SELF_SCORE_HIGH}占比",
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
    """[review] threshold of the settings: rows read with less confidence are not trusted yet."""
    from etl.check.settings import load_settings

    return load_settings().review_threshold


def unverified_sql(i: str = "i", f: str = "f") -> str:
    """A finding 待核实: its row (i), or for a finding about the whole filing the filing (f), was read with
    less confidence than [review] threshold, so it may be a reading error rather than the filer's; it is
    counted apart until a person confirms or corrects the row (which sets its confidence to 1, etl/review).
    NULL (never true) where the database has no confidence. The threshold is our own number, from the settings."""
    return f"(coalesce({i}.parse_confidence, {f}.parse_confidence) < {float(review_threshold())!r})"
