"""Checks over parsed filings: a registry of rules, derived figures and copy clusters.

    run_checks(filing, settings=None) -> list[Finding]
    filing_metrics(filing, findings, settings=None) -> dict   (table filing_metrics)
    classify_reason(text) -> 'R1'..'R9' | 'R0' (placeholder) | None
    copy_clusters(filings, settings=None) -> [[(filing_id, similarity), ...], ...]
    copy_findings(filings, settings=None) -> list[Finding]    (family 'copying')
    filing_bands(filing, settings=None) -> [(filing_id, band, hash)]   (table copy_bands: MinHash LSH bands)
    soft_findings(filings, settings=None) -> list[Finding]    (family 'soft': cross-year and peer rules)
    corpus_findings(filings, settings=None) -> list[Finding]  (every corpus rule)
    load_settings(path=None) -> Settings
    REGISTRY: {rule_id: Rule(id, family, severity, title, fn, scope, example)}
"""
from __future__ import annotations

from .copying import copy_analysis, copy_clusters, copy_findings, filing_bands
from .metrics import filing_metrics
from .reasons import CATEGORY_NAMES, classify_reason
from .registry import FAMILIES, REGISTRY, SEVERITIES, Rule
from .rules_soft import soft_findings
from .rules_twins import twin_findings
from .run import run_checks
from .settings import Settings, load_settings

__all__ = [
    "run_checks", "filing_metrics", "classify_reason", "copy_analysis", "copy_clusters", "copy_findings", "load_settings",
    "soft_findings", "twin_findings", "corpus_findings", "Settings", "REGISTRY", "Rule", "FAMILIES", "SEVERITIES", "CATEGORY_NAMES",
]


def corpus_findings(filings, settings=None):
    """Every corpus-scope rule over the given filings (copying, soft, then structured imports against
    their published twins)."""
    settings = settings or load_settings()
    return copy_findings(filings, settings) + soft_findings(filings, settings) + twin_findings(filings, settings)
