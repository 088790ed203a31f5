"""What the cross-year and peer rules read: indicator rows keyed, filings in series, years linked.

Built once per corpus run (`SeriesIndex(filings, settings)`) and shared by the
rules of family 'soft' and by the tables indicator_keys / filing_links.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from etl.link.keys import canonical, indicator_key, unit_family
from etl.link.series import Link, Member, assign_series, year_links
from etl.normalise.measure import parse_measure
from etl.records import Filing, Indicator

from .facts import direction
from .settings import Settings
from .values import ftext

SELF_EVAL_KINDS = ("project_self_eval", "dept_self_eval")


@dataclass(slots=True)  # one per indicator row: a million on a large database
class Obs:
    """One indicator row as the cross-year rules see it."""

    fi: int  # index of its filing
    ind: Indicator
    key: str
    direction: str  # ge, le, eq
    target: float | None  # in the canonical unit (money in 万元)
    actual: float | None
    unit: str | None  # canonical unit of the target
    actual_unit: str | None
    family: str  # unit family of the target (etl.link.keys.unit_family)
    judged: bool  # a numeric target of a named indicator, not a satisfaction survey


def _where(f: Filing, ind: Indicator) -> str:
    loc = ind.loc.describe() if ind.loc else ""
    return "；".join(x for x in (f.source_file or f.filing_id or "", loc or f"第{ind.seq}项") if x)


class SeriesIndex:
    def __init__(self, filings: list[Filing], settings: Settings):
        self.filings = filings
        self.settings = settings
        self.skip_words = list(settings.soft("skip_name_words", []))
        self.skip_families = set(settings.soft("skip_unit_families", ["money"]))
        self._shapes: dict[tuple, tuple] = {}  # see _obs
        self.members: list[Member | None] = assign_series(filings, settings)
        self.links: list[Link] = year_links(filings, self.members, settings.soft("max_links_per_filing", 6))
        self.rows: list[list[Obs]] = [[self._obs(i, f, ind) for ind in f.indicators] for i, f in enumerate(filings)]
        self.prev: dict[int, list[int]] = defaultdict(list)
        for link in self.links:
            self.prev[link.filing].append(link.prev)
        for i in self.prev:
            # the self-evaluation first (it has the actual), then a stable order
            self.prev[i].sort(key=lambda j: (filings[j].doc_kind not in SELF_EVAL_KINDS, filings[j].filing_id or "", j))

    def _obs(self, i: int, f: Filing, ind: Indicator) -> Obs:
        # the pipeline fills the measures; a filing built by hand may not have them
        if ind.target_m is None and ind.target:
            ind.target_m = parse_measure(ind.target)
        if ind.actual_m is None and ind.actual:
            ind.actual_m = parse_measure(ind.actual)
        t = canonical(ind.target_m, self.settings)
        a = canonical(ind.actual_m, self.settings) if f.doc_kind in SELF_EVAL_KINDS else None
        # the row's key, direction, unit family and whether its name is judged are a function of its name,
        # levels and the target's operator and unit: a bulk export repeats them on most of its rows
        m = ind.target_m
        shape = (ind.name, ind.level1, ind.level2, m.op if m else None, m.unit if m else None, m is not None)
        got = self._shapes.get(shape)
        if got is None:
            name = ftext(ind.name)
            got = self._shapes[shape] = (indicator_key(ind, self.settings), direction(ind, self.settings),
                                         unit_family(m.unit if m else None, self.settings),
                                         bool(name) and not any(w in name for w in self.skip_words))
        key, way, family, named = got
        return Obs(i, ind, key, way, t[0] if t else None, a[0] if a else None, t[1] if t else None,
                   a[1] if a else None, family, t is not None and named)

    def where(self, o: Obs) -> str:
        return _where(self.filings[o.fi], o.ind)

    def judged(self, o: Obs) -> bool:
        """A row whose target the soft rules judge: a number, a named indicator, not a satisfaction survey."""
        return o.judged

    def last_year(self, o: Obs) -> Obs | None:
        """The same indicator (key) in the series' filing of the year before, with a comparable target."""
        for j in self.prev.get(o.fi, []):
            for p in self.rows[j]:
                if p.key == o.key and p.target is not None and p.unit == o.unit:
                    return p
        return None

    def unit_family(self, o: Obs) -> str:
        return o.family
