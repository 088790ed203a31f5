"""The fitted combination of the evidence signals: two logistic models shipped as data (model.json).

    row model      row signals (ROW_SIGNALS)                     -> share of the row's 8 fields read right
    filing model   filing signals (FILING_SIGNALS), among them
                   the row model's expected misses                -> share of the filing's fields read right

Both are logistic regressions fitted on fractional targets (a filing read 0.8 right counts 0.8 as right and
0.2 as wrong), so their output estimates a share of fields and can be compared with the scorer's figure
directly. `jixiao train confidence` refits them (etl/trust/train.py). Two guarantees sit on top, as
settings (etl/check/settings.toml, [trust]): a table read with no indicator row, and a table whose scores
do not add up by more than a point, stay below the accept threshold whatever the model says.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.trust.signals import FILING_SIGNALS, ROW_SIGNALS

MODEL_FILE = Path(__file__).with_name("model.json")


class StaleModel(Exception):
    """The model file names other signals than the code computes: refit with `jixiao train confidence`."""


@dataclass(frozen=True)
class Logistic:
    signals: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float

    def __call__(self, x: dict[str, float]) -> float:
        z = self.intercept + sum(w * x[s] for s, w in zip(self.signals, self.weights))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def as_dict(self) -> dict:
        return {"intercept": round(self.intercept, 6),
                "weights": {s: round(w, 6) for s, w in zip(self.signals, self.weights)}}

    @classmethod
    def from_dict(cls, d: dict, expected: tuple[str, ...], what: str) -> "Logistic":
        names = tuple(d["weights"])
        if set(names) != set(expected):
            raise StaleModel(f"{what} model signals {sorted(names)} != code {sorted(expected)}: "
                             "run `jixiao train confidence`")
        return cls(expected, tuple(float(d["weights"][s]) for s in expected), float(d["intercept"]))


@dataclass(frozen=True)
class Model:
    row: Logistic
    filing: Logistic
    meta: dict

    def to_json(self) -> str:
        return json.dumps({"row": self.row.as_dict(), "filing": self.filing.as_dict(), "fitted": self.meta},
                          ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_model(path: Path = MODEL_FILE) -> Model:
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    return Model(Logistic.from_dict(d["row"], ROW_SIGNALS, "row"),
                 Logistic.from_dict(d["filing"], FILING_SIGNALS, "filing"), d.get("fitted", {}))


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    return read_model(MODEL_FILE)
