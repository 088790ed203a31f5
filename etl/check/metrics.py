"""Derived figures per filing (table filing_metrics)."""
from __future__ import annotations

from etl.records import Filing, Finding

from .facts import deducted, exec_rate, exec_rate_computed, recomputed_score
from .reason_categories import is_reason_placeholder
from .settings import Settings, load_settings
from .values import ftext, vague_why


def score_recomputed(filing: Filing, settings: Settings) -> float | None:
    """Our re-score: execution as 分值 × min(B/A, 1), rows by direction and bands.

    Rows we cannot re-score (no actual) keep their reported score. None when the
    filing has no weights (target tables, templates without a 分值 column).
    """
    rows = [i for i in filing.indicators if i.weight is not None]
    if not rows or not weights_cover_total(filing, settings):
        return None
    total = 0.0
    for ind in rows:
        r = recomputed_score(ind, settings)
        total += r if r is not None else (ind.score or 0.0)
    if filing.exec_weight is not None:
        rate = exec_rate(filing)
        if rate is not None:
            total += filing.exec_weight * min(rate, 1.0)
        elif filing.exec_score is not None:
            total += filing.exec_score
    return round(total, 2)


def weights_cover_total(filing: Filing, settings: Settings) -> bool:
    """The rows we hold carry all the points of the table (a cut-off table does not)."""
    if not filing.indicators or any(i.weight is None for i in filing.indicators):
        return False
    total = sum(i.weight for i in filing.indicators) + (filing.exec_weight or 0.0)
    want = filing.total_weight if filing.total_weight is not None else sum(settings.weights.values())
    return abs(total - want) <= 0.5


def self_score(filing: Filing) -> float | None:
    if filing.total_score is not None:
        return filing.total_score
    if filing.indicators and all(i.score is not None for i in filing.indicators):
        return sum(i.score for i in filing.indicators) + (filing.exec_score or 0.0)
    return None


def is_measurable(ind, settings) -> bool:
    """A target that is a measure, a date or a definite value (not vague, not empty)."""
    if not ftext(ind.target):
        return False
    return ind.target_m is not None or vague_why(ind.target, ind, settings, "target") is None


def filing_metrics(filing: Filing, findings: list[Finding], settings: Settings | None = None) -> dict:
    settings = (settings or load_settings()).for_filing(filing)
    rec = score_recomputed(filing, settings)
    own = self_score(filing)
    with_target = [i for i in filing.indicators if ftext(i.target)]
    vague_rows = {f.indicator_seq for f in findings if f.family == "vague" and f.indicator_seq is not None}
    deds = [i for i in filing.indicators if deducted(i, settings)]
    no_reason = [i for i in deds if not ftext(i.reason) or is_reason_placeholder(i.reason)]
    graded = filing.total_score if filing.total_score is not None else (
        own if weights_cover_total(filing, settings) else None)
    grade = settings.grade_for(graded) if graded is not None and filing.doc_kind.endswith("self_eval") else None
    return {
        "filing_id": filing.filing_id,
        "score_recomputed": rec,
        "inflation": round(own - rec, 2) if own is not None and rec is not None else None,
        "exec_rate_computed": exec_rate_computed(filing),
        "measurable_share": round(sum(is_measurable(i, settings) for i in with_target) / len(with_target), 4)
        if with_target else None,
        "vague_count": len(vague_rows),
        "indicator_count": len(filing.indicators),
        "deductions": len(deds),
        "deductions_no_reason": len(no_reason),
        "grade_computed": grade,
        "finding_count": len(findings),
        "error_count": sum(1 for f in findings if f.severity == "error"),
    }
