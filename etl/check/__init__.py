"""Checks over parsed filings: a registry of rules, derived figures and copy clusters.

    run_checks(filing, settings=None) -> list[Finding]
    filing_metrics(filing, findings, settings=None) -> dict   (table filing_metrics)
    classify_reason(text) -> 'R1'..'R9' | 'R0' (placeholder) | None
    copy_clusters(filings, settings=None) -> [[(filing_id, similarity), ...], ...]
    copy_findings(filings, settings=None) -> list[Finding]    (family 'copying')
    filing_bands(filing, settings=None) -> [(filing_id, band, hash)]   (table copy_bands: MinHash LSH bands)
    soft_findings(filings, settings=None) -> list[Finding]    (family 'soft': cross-year and peer rules)
    corpus_findings(filings, settings=None) -> list[Finding]  (every corpus rule)
    derive(filing) -> (findings, metrics, reason categories, copy bands)   (what the per-file step stores)
    derive_many(filings) -> [derive(filing), ...]   (the copy bands of all at once)
    load_settings(path=None) -> Settings
    REGISTRY: {rule_id: Rule(id, family, severity, title, fn, scope, example)}
"""
from __future__ import annotations

from etl.records import Finding

from .copying import copy_analysis, copy_clusters, copy_findings, filing_bands, many_filing_bands
from .metrics import filing_metrics
from .reason_categories import CATEGORY_NAMES, classify_reason
from .registry import FAMILIES, REGISTRY, SEVERITIES, Rule
from .rules_soft import soft_findings
from .rules_twins import twin_findings
from .run import run_checks
from .settings import Settings, load_settings

__all__ = [
    "run_checks", "derive", "derive_many", "many_filing_bands", "filing_metrics", "classify_reason", "copy_analysis", "copy_clusters", "copy_findings", "load_settings",
    "soft_findings", "twin_findings", "corpus_findings", "Settings", "REGISTRY", "Rule", "FAMILIES", "SEVERITIES", "CATEGORY_NAMES",
]


def corpus_findings(filings, settings=None):
    """Every corpus-scope rule over the given filings (copying, soft, then structured imports against
    their published twins)."""
    settings = settings or load_settings()
    return copy_findings(filings, settings) + soft_findings(filings, settings) + twin_findings(filings, settings)


def derive(f, bands: bool = True, rows_memo: dict | None = None
           ) -> tuple[list[Finding], dict, list[tuple[str, int, str]], list[tuple[str, int, int]]]:
    """What the checks derive from one filing: its findings, metrics, reason categories and copy bands.

    The per-file step (etl/per_file.py) runs it on every filing it reads, and a saved correction
    (etl/review/ledger.py) on the filing it changed. Without `bands` the copy bands are left to the
    caller (`derive_many` computes many filings' at once): None in their place, [] when a rule crashed.
    `rows_memo`: see run_checks (the same findings; a bulk export's repeated rows judged once).
    """
    try:
        found = run_checks(f, rows_memo=rows_memo)
        m = filing_metrics(f, found)
        cats = [(ind.seq, classify_reason(ind.reason)) for ind in f.indicators]
        fb = filing_bands(f) if bands else None  # the map step of the copy check (grouped by band after ingest)
    except Exception as exc:  # a bug in a rule must not cost the user the filing
        found = [Finding("CHECK_CRASHED", "parse", "error", f"检查规则运行出错，本文件的检查结果不完整：{type(exc).__name__}: {exc}")]
        m, cats, fb = {}, [], []  # no bands: the copy refresh computes them from the stored rows
    for x in found:
        x.filing_id = f.filing_id
    if m:
        m["filing_id"] = f.filing_id
    return found, m, [(f.filing_id, seq, cat) for seq, cat in cats if cat], fb


def derive_many(filings, rows_memo: dict | None = None
                ) -> list[tuple[list[Finding], dict, list[tuple[str, int, str]], list[tuple[str, int, int]]]]:
    """derive() of each filing, in order, the same results: the copy bands of all of them computed at once
    (etl/check/copying.py many_filing_bands), not a few small arrays per filing, and each distinct row
    judged once by the row rules (`rows_memo`, kept by the caller over several calls, else for this one)."""
    memo = {} if rows_memo is None else rows_memo
    out = [derive(f, bands=False, rows_memo=memo) for f in filings]
    todo = [k for k, (_, _, _, fb) in enumerate(out) if fb is None]
    try:
        many = many_filing_bands([filings[k] for k in todo])
    except Exception:  # noqa: BLE001 - each filing on its own then, a crash its own finding (as derive does)
        many = None
    for j, k in enumerate(todo):
        out[k] = derive(filings[k], rows_memo=memo) if many is None else out[k][:3] + (many[j],)
    return out
