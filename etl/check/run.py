"""Run every per-filing rule of the registry over one filing."""
from __future__ import annotations

import dataclasses
from operator import attrgetter

from etl.normalise.measure import parse_measure
from etl.records import Filing, Finding, Indicator, Measure

from .registry import REGISTRY
from .settings import Settings, load_settings

# importing the rule modules fills the registry
from . import rules_category, rules_numbers, rules_parse, rules_reason, rules_scoring, rules_template, rules_vague  # noqa: F401,E501
from . import rules_soft  # noqa: F401
from . import rules_twins  # noqa: F401
from . import copying  # noqa: F401

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Context:
    def __init__(self, settings: Settings):
        self.settings = settings


def _fill_measures(filing: Filing) -> None:
    # the pipeline fills these; a filing built by hand may not have them
    for ind in filing.indicators:
        if ind.target_m is None and ind.target:
            ind.target_m = parse_measure(ind.target)
        if ind.actual_m is None and ind.actual:
            ind.actual_m = parse_measure(ind.actual)


def run_checks(filing: Filing, settings: Settings | None = None, rows_memo: dict | None = None) -> list[Finding]:
    """All per-filing rules, ordered by row, then severity, then rule id.

    With `rows_memo` (a dict the caller keeps over many filings, e.g. a bulk export's) the row rules
    (registry `rows=True`) answer each distinct row once: same findings, same order."""
    settings = (settings or load_settings()).for_filing(filing)
    _fill_measures(filing)
    ctx = Context(settings)
    out: list[Finding] = []
    if rows_memo is None:
        rules = _FILING_RULES
    else:
        rules = _WHOLE_FILING_RULES
        out.extend(_row_findings(filing, ctx, rows_memo.setdefault(settings.place, {})))
    for r in rules:
        out.extend(r.run(filing, ctx))
    out.sort(key=lambda f: (f.indicator_seq is not None, f.indicator_seq or 0, _SEVERITY_ORDER[f.severity], f.rule))
    return out


_FILING_RULES = [r for r in REGISTRY.values() if r.scope == "filing"]
_ROW_RULES = [r for r in _FILING_RULES if r.rows]
_WHOLE_FILING_RULES = [r for r in _FILING_RULES if not r.rows]

# A row as the row rules read it: every field of the indicator but where it was read (`loc`) and the
# parser's margin (no rule reads them; a bulk export's rows differ in `loc` alone when they repeat).
# `seq` is part of it: the messages print the row's number.
_ROW_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(Indicator)
                           if f.name not in ("loc", "decoder_margin", "target_m", "actual_m")))
_MEASURE_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(Measure)))
_NONE: tuple = ()  # the findings of a row that has none (most): one shared empty tuple


class _Rows:
    """What a row rule may read of a filing: its doc_kind and (some of) its rows. A rule marked `rows`
    that reads more of the filing fails here (AttributeError), as a test asserts, rather than answering
    from a row's memo what another filing's other fields would have changed."""

    __slots__ = ("doc_kind", "indicators")

    def __init__(self, doc_kind: str, indicators: list):
        self.doc_kind = doc_kind
        self.indicators = indicators


def _row_key(kind: str, ind: Indicator) -> tuple:
    t, a = ind.target_m, ind.actual_m
    return (kind, _ROW_FIELDS(ind), None if t is None else _MEASURE_FIELDS(t), None if a is None else _MEASURE_FIELDS(a))


def _row_findings(filing: Filing, ctx: Context, memo: dict) -> list[Finding]:
    """The row rules' findings on the filing, each distinct row (key: `_row_key`) judged once over the
    filings that share `memo` (one per settings). The rows not yet judged are judged together, as one
    filing of just those rows, so each rule still runs once per filing, not per row."""
    kind = filing.doc_kind
    keys = [_row_key(kind, ind) for ind in filing.indicators]
    new: dict[tuple, Indicator] = {}
    for key, ind in zip(keys, filing.indicators):
        if key not in memo and key not in new:
            new[key] = ind
    if new:
        by_seq: dict = {ind.seq: [] for ind in new.values()}
        if len(by_seq) < len(new):  # two different rows under one number: judged without the memo
            return [f for r in _ROW_RULES for f in r.run(filing, ctx)]
        rows = _Rows(kind, list(new.values()))
        for r in _ROW_RULES:
            for seq, message, evidence in r.fn(rows, ctx) or ():
                by_seq[seq].append((r, message, evidence))  # (a KeyError: the rule yielded no row's number)
        if len(memo) > _MEMO_MAX:
            memo.clear()
        for key, ind in new.items():
            memo[key] = tuple(by_seq[ind.seq]) or _NONE
    fid = getattr(filing, "filing_id", None)
    out = []
    for key, ind in zip(keys, filing.indicators):
        for r, message, evidence in memo[key]:
            out.append(Finding(rule=r.id, family=r.family, severity=r.severity, message=message,
                               indicator_seq=ind.seq, filing_id=fid, evidence=evidence))
    return out


_MEMO_MAX = 200_000  # rows a memo holds before it starts again (a row's key and findings: ~1 KB)
