"""Accuracy floors on the real corpus: one data file, read by the tests, rewritten from a measurement.

The floors are a ratchet. They hold what the parser measures today (rounded
down to three places); a change that reads worse fails the suite, and a change
that reads better is locked in by rewriting the file:

    .venv/bin/python bench/real_corpus.py --write-floors

A label whose filing is not found today is recorded with `found = false`; the
test then expects it still not to be found, so the day the parser finds it the
suite says so and the floor gets raised instead of silently staying at zero.
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

from etl.eval.score import Score

SETS = ("seeds", "dev", "dev2", "dev3", "dev4", "dev5")  # label folders under tests/data/real/labels


def corpus(root: Path) -> tuple[list[Path], Path, Path]:
    """(folders to ingest, labels folder, floors file) of the real corpus in a checkout at root."""
    real = Path(root) / "tests" / "data" / "real"
    # the seeds are the repo's bundled data/seeds, not a second copy
    return [Path(root) / "data" / "seeds", real / "dev", real / "dev2", real / "dev3", real / "dev4", real / "dev5"], real / "labels", real / "floors.toml"


def _down(x: float) -> float:
    # round down, so the figure just measured always passes its own floor
    return math.floor(x * 1000 + 1e-9) / 1000


def _figures(s: Score) -> dict:
    return {"fields": _down(s.fields), "rows_f1": _down(s.rows_f1), "found": s.found, "labels": len(s.labels)}


def render_floors(score: Score) -> str:
    """The floors file for a measurement, as TOML text."""
    out = [
        "# Accuracy floors on the real corpus (tests/test_real_corpus.py): what the parser measured when",
        "# this file was written, rounded down. A ratchet: raise, never lower without a reason in the commit.",
        "# Rewrite from a fresh measurement with: .venv/bin/python bench/real_corpus.py --write-floors",
        "",
    ]
    groups = [("overall", score)] + [(f"sets.{name}", score.subset(name + "/")) for name in SETS]
    for key, s in groups:
        out.append(f"[{key}]")
        out.extend(f"{k} = {v}" for k, v in _figures(s).items())
        out.append("")
    for s in score.labels:
        out.append(f'[files."{s.label}"]')
        out.append(f"found = {'true' if s.found else 'false'}")
        out.append(f"fields = {_down(s.fields)}")
        out.append("")
    return "\n".join(out)


def read_floors(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def shortfalls(score: Score, floors: dict) -> list[str]:
    """Where a measurement is below its floors (empty when it meets all of them)."""
    bad = []
    groups = [("overall", score, floors.get("overall", {}))]
    groups += [(name, score.subset(name + "/"), floors.get("sets", {}).get(name, {})) for name in SETS]
    for name, s, floor in groups:
        for key, got in (("fields", s.fields), ("rows_f1", s.rows_f1), ("found", s.found)):
            if key in floor and got < floor[key] - 1e-9:
                bad.append(f"{name} {key} {got:.3f} < floor {floor[key]}")
    files = floors.get("files", {})
    for s in score.labels:
        floor = files.get(s.label)
        if floor is None:
            bad.append(f"{s.label}: no floor (rewrite the floors file)")
        elif floor["found"] and not s.found:
            bad.append(f"{s.label}: filing no longer found")
        elif s.fields < floor["fields"] - 1e-9:
            bad.append(f"{s.label}: fields {s.fields:.3f} < floor {floor['fields']}")
    return bad


def gains(score: Score, floors: dict) -> list[str]:
    """Labels found now that the floors record as not found: the ratchet wants the floors rewritten."""
    files = floors.get("files", {})
    return [f"{s.label}: found now (floor says not found)" for s in score.labels
            if s.found and s.label in files and not files[s.label]["found"]]
