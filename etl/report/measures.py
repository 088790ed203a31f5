"""The measures the dashboard and the printed report share, as SQL over filings (f) and filing_metrics (m).

Defined once here so that a figure in the PDF and the same figure on screen agree.
"""
from __future__ import annotations

# A readable place label: "株洲市 渌口区", else the province, else unknown.
PLACE = "coalesce(nullif(concat_ws(' ', f.city, f.county), ''), f.province, '（地区未知）')"
# Execution rate: B / A when both are known, else the printed rate.
EXEC_RATE = "coalesce(m.exec_rate_computed, f.budget_executed / nullif(f.budget_adjusted, 0), f.exec_rate_reported)"
FROM_FM = "FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id"

METRIC_SQL = {
    "self_score": "median(f.total_score)",
    "exec_rate": f"median({EXEC_RATE})",
    "vague_share": "sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0)",
    "inflation": "avg(m.inflation)",
    "no_reason_share": "sum(m.deductions_no_reason)::DOUBLE / nullif(sum(m.deductions), 0)",
    "findings_per_filing": "avg(coalesce(m.finding_count, 0))",
    "filings": "count(*)::DOUBLE",
}


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
