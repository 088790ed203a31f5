"""Run every per-filing rule of the registry over one filing."""
from __future__ import annotations

from etl.normalise.measure import parse_measure
from etl.records import Filing, Finding

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


def run_checks(filing: Filing, settings: Settings | None = None) -> list[Finding]:
    """All per-filing rules, ordered by row, then severity, then rule id."""
    settings = (settings or load_settings()).for_filing(filing)
    _fill_measures(filing)
    ctx = Context(settings)
    out: list[Finding] = []
    for r in REGISTRY.values():
        if r.scope == "filing":
            out.extend(r.run(filing, ctx))
    out.sort(key=lambda f: (f.indicator_seq is not None, f.indicator_seq or 0, _SEVERITY_ORDER[f.severity], f.rule))
    return out
