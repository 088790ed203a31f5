"""What must hold of a filing's own figures, declared once (like dbt's expression_is_true tests).

- WEIGHTS_ADD_UP / SCORES_ADD_UP: the rows' 分值 (得分) and the budget-execution line add up to
  the 总分 row;
- SCORES_WITHIN_WEIGHTS: no row scores above its 分值;
- RATE_IS_B_OVER_A: the printed 执行率 is B / A.

Each is a Python test over a Filing (the rules of etl/check read it, and so should the
parser's self-check, which decides whether a table was read whole) and an SQL expression
over the stored tables (`sql`, true where the invariant holds), so a database can be
asked the same question. The tolerances are the settings' own, one per fact: [scoring]
sum_tolerance, [scoring] tolerance (a score above its weight), [execution] rate_tolerance; the
parser reads the same invariants with its own lines ([scoring] table_sum_tolerance: was a row
missed?, [parse] rate_placement_tolerance: which columns hold which amounts?).
Beside the marts because they are statements about the stored figures; importable from
every layer above etl/measures.py (etl/__init__.py LAYERS).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from etl.measures import SETTINGS_FILE, rate_of


@lru_cache(maxsize=1)
def tolerances() -> dict[str, float]:
    """The default settings' tolerances of the invariants: sum and score_over_weight (points), rate (share).
    The checks pass a jurisdiction's own (etl/check/settings.py reads the same keys)."""
    with open(SETTINGS_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    return {"sum": float(raw["scoring"]["sum_tolerance"]), "score_over_weight": float(raw["scoring"]["tolerance"]),
            "rate": float(raw["execution"]["rate_tolerance"]),
            # the parser's own lines over the same invariants (why they differ: settings.toml)
            "table_sum": float(raw["scoring"]["table_sum_tolerance"]),
            "rate_placement": float(raw["parse"]["rate_placement_tolerance"])}


@dataclass(frozen=True)
class SumInvariant:
    """The rows' `part` (weight or score) plus the execution line's equal the total row's."""

    key: str
    part: str  # "weight" | "score"
    rows_say: str  # how a note names the rows' sum
    total_says: str  # how it names the total row's figure
    sql: str  # over filings f, true where it holds (or cannot be judged)

    def totals(self, f) -> tuple[float, float, bool] | None:
        """(rows + execution line, the total row, every row carries the figure); None without rows or a total."""
        stated = getattr(f, f"total_{self.part}")
        values = [getattr(i, self.part) for i in f.indicators]
        known = [v for v in values if v is not None]
        if stated is None or not known:
            return None
        return sum(known) + (getattr(f, f"exec_{self.part}") or 0), stated, len(known) == len(values)

    def holds(self, f, tolerance: float | None = None) -> bool | None:
        """True / False; None when it cannot be judged (no total row, no row with the figure)."""
        t = self.totals(f)
        if t is None:
            return None
        tol = tolerances()["sum"] if tolerance is None else tolerance
        return abs(t[0] - t[1]) <= tol

    def note(self, f) -> str | None:
        """The parser's note when a table does not add up (the same words, whoever writes them)."""
        t = self.totals(f)
        return None if t is None else f"{self.rows_say}({t[0]:g})与{self.total_says}({t[1]:g})不符"


def _sum_sql(part: str) -> str:
    return (f"(f.total_{part} IS NULL OR NOT EXISTS (SELECT 1 FROM indicators i WHERE i.filing_id = f.filing_id "
            f"AND i.{part} IS NOT NULL) OR abs((SELECT sum(i.{part}) FROM indicators i WHERE i.filing_id = f.filing_id) "
            f"+ coalesce(f.exec_{part}, 0) - f.total_{part}) <= {{tol}})")


WEIGHTS_ADD_UP = SumInvariant("weights_add_up", "weight", "各项分值之和", "总分行的分值", _sum_sql("weight"))
SCORES_ADD_UP = SumInvariant("scores_add_up", "score", "各项得分之和", "总分", _sum_sql("score"))


@dataclass(frozen=True)
class ScoresWithinWeights:
    key: str = "scores_within_weights"
    sql: str = "NOT EXISTS (SELECT 1 FROM indicators i WHERE i.filing_id = f.filing_id AND i.score > i.weight + {tol})"

    @staticmethod
    def over(weight: float | None, score: float | None, tolerance: float | None = None) -> bool:
        """A score above its weight (by more than the tolerance)."""
        tol = tolerances()["score_over_weight"] if tolerance is None else tolerance
        return weight is not None and score is not None and score > weight + tol


@dataclass(frozen=True)
class RateIsBOverA:
    key: str = "rate_is_b_over_a"
    sql: str = ("(f.exec_rate_reported IS NULL OR f.budget_adjusted IS NULL OR f.budget_executed IS NULL "
                "OR f.budget_adjusted <= 0 OR abs(round(f.budget_executed / f.budget_adjusted, 6) "
                "- f.exec_rate_reported) <= {tol})")

    @staticmethod
    def gap(f) -> float | None:
        """|B / A - printed rate|; None when either is missing."""
        calc = rate_of(f.budget_adjusted, f.budget_executed)
        if calc is None or f.exec_rate_reported is None:
            return None
        return abs(calc - f.exec_rate_reported)


SCORES_WITHIN_WEIGHTS = ScoresWithinWeights()
RATE_IS_B_OVER_A = RateIsBOverA()
INVARIANTS = {inv.key: inv for inv in (WEIGHTS_ADD_UP, SCORES_ADD_UP, SCORES_WITHIN_WEIGHTS, RATE_IS_B_OVER_A)}
TOLERANCE_OF = {"weights_add_up": "sum", "scores_add_up": "sum", "scores_within_weights": "score_over_weight",
                "rate_is_b_over_a": "rate"}


def violations_sql(key: str) -> str:
    """The filings breaking an invariant, as SQL over the stored tables (filing_id)."""
    inv = INVARIANTS[key]
    return f"SELECT f.filing_id FROM filings f WHERE NOT ({inv.sql.format(tol=tolerances()[TOLERANCE_OF[key]])})"
