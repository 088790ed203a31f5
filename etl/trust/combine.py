"""The fitted combination of the evidence signals: two logistic models shipped as data (model.json).

    row model      row signals (ROW_SIGNALS)                     -> share of the row's 8 fields read right
    filing model   filing signals (FILING_SIGNALS), among them
                   the row model's expected misses                -> share of the filing's fields read right

Both are logistic regressions fitted on fractional targets (a filing read 0.8 right counts 0.8 as right and
0.2 as wrong), so their output estimates a share of fields and can be compared with the scorer's figure
directly. The filing model is fitted on the share raised to `power` (0.8 right counts 0.8³ = 0.51 as right) and
its output is taken to the power's root: the same estimate of the share, but a fit that weighs a filing one
field short of whole (a report of six fields with one wrong) as clearly unlike a whole one, where on the share
itself the loss barely tells 0.83 from 1.0. `jixiao train confidence` refits them (etl/train/confidence.py). Two guarantees sit on top, as
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
    power: float = 1.0  # fitted on the share to this power: the output is the power's root of the logistic

    def __call__(self, x: dict[str, float]) -> float:
        z = self.intercept + sum(w * x[s] for s, w in zip(self.signals, self.weights))
        p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
        return p if self.power == 1.0 else p ** (1.0 / self.power)

    def as_dict(self) -> dict:
        d = {"intercept": round(self.intercept, 6),
             "weights": {s: round(w, 6) for s, w in zip(self.signals, self.weights)}}
        if self.power != 1.0:
            d["power"] = self.power
        return d

    @classmethod
    def from_dict(cls, d: dict, expected: tuple[str, ...], what: str) -> "Logistic":
        names = tuple(d["weights"])
        if set(names) != set(expected):
            raise StaleModel(f"{what} model signals {sorted(names)} != code {sorted(expected)}: "
                             "run `jixiao train confidence`")
        return cls(expected, tuple(float(d["weights"][s]) for s in expected), float(d["intercept"]),
                   float(d.get("power", 1.0)))


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
