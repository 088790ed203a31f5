"""How well parse_confidence tells well-read filings from badly read ones, against labels.

The definitions of the evaluation kit's calibration report (shared eval/calibration.py), defined once here:

- a label's accuracy is the share of its labelled fields read right, as the scorer counts them (a labelled
  row not found loses all its fields; a label whose filing was not found has accuracy 0);
- a label's confidence is the lowest parse_confidence of the filings read from its file (0 when none was);
- AUROC of confidence for "accuracy >= 0.90"; MAE, the mean absolute difference of confidence and accuracy;
- the filings at or above the accept threshold: how many, their share, their mean accuracy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

WELL_READ = 0.90  # a filing with at least this share of its fields right is well read


@dataclass(frozen=True)
class Point:
    label: str
    accuracy: float
    confidence: float


@dataclass(frozen=True)
class Calibration:
    points: tuple[Point, ...]
    accept: float

    @property
    def well_read(self) -> int:
        return sum(p.accuracy >= WELL_READ for p in self.points)

    @property
    def auroc(self) -> float:
        good = [p.confidence for p in self.points if p.accuracy >= WELL_READ]
        bad = [p.confidence for p in self.points if p.accuracy < WELL_READ]
        if not good or not bad:
            return math.nan
        return sum((g > b) + 0.5 * (g == b) for g in good for b in bad) / len(good) / len(bad)

    @property
    def mae(self) -> float:
        return sum(abs(p.accuracy - p.confidence) for p in self.points) / len(self.points) if self.points else math.nan

    @property
    def accepted(self) -> list[Point]:
        return [p for p in self.points if p.confidence >= self.accept]

    @property
    def accepted_share(self) -> float:
        return len(self.accepted) / len(self.points) if self.points else math.nan

    @property
    def accepted_accuracy(self) -> float:
        acc = [p.accuracy for p in self.accepted]
        return sum(acc) / len(acc) if acc else math.nan

    def line(self) -> str:
        return (f"calibration: filings={len(self.points)} well_read={self.well_read} auroc={self.auroc:.3f} "
                f"mae={self.mae:.3f} conf>={self.accept:g}: {len(self.accepted)} filings "
                f"({self.accepted_share:.0%}), accuracy {self.accepted_accuracy:.3f}")


def points(scores, labels: dict[str, dict], confidence_of_file: dict[str, float]) -> list[Point]:
    """One point per label score (etl/eval/score.LabelScore): its accuracy and its file's confidence.
    labels: label name -> label; confidence_of_file: file name -> lowest parse_confidence of its filings."""
    out = []
    for s in scores:
        file = labels[s.label]["file"]
        out.append(Point(s.label, s.fields if s.found else 0.0, float(confidence_of_file.get(file, 0.0) or 0.0)))
    return out


def file_confidences(con) -> dict[str, float]:
    """file name -> the lowest parse_confidence of the filings a database holds from it."""
    rows = con.execute("SELECT source_file, min(parse_confidence) FROM filings GROUP BY 1").fetchall()
    out: dict[str, float] = {}
    for source, conf in rows:
        name = Path(str(source)).name
        out[name] = min(out.get(name, 1.0), 0.0 if conf is None else float(conf))
    return out
