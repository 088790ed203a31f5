"""Score the product's normal read + parse path on generated filings damaged like real web copies.

    items = generated(300, seed=11)                       # [(name, text, label)]
    result = measure(items, ["glue_cells"], seed=11)      # DamageResult: a Score plus counts
    real = score_real(real_items(root, ("dev3",)))        # the real labelled copies, the same path

No database: each damaged text goes through etl.read.read_bytes and
etl.parse.parse_document in this process, and is scored with the same scorer as
the real corpus (etl.eval.score), against the truth etl.sample.damage keeps.
"""
from __future__ import annotations

import random
import signal
import time
from contextlib import contextmanager
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from etl.eval.score import Score, load_labels, score_label
from etl.parse import parse_document
from etl.read import read_bytes
from etl.records import Filing
from etl.sample.damage import damage, label_of
from etl.sample.generate import generate_with_truth
from etl.write import render

_FILING_COLUMNS = [f.name for f in fields(Filing) if f.name not in ("indicators", "sections", "spending_plan", "loc")]
_ROW_COLUMNS = ["seq", "level1", "level2", "name", "target", "actual", "weight", "score", "reason"]


@dataclass
class DamageResult:
    names: tuple[str, ...]
    score: Score
    changed: int  # filings whose text the damage changed (a report has no table to wrap, glue …)
    errors: list[str]  # filings whose parse raised
    seconds: float


def generated(n: int, seed: int = 11) -> list[tuple[str, str, dict]]:
    """n generated filings, each rendered alone as text, with its label-shaped truth."""
    out = []
    for i, (f, truth) in enumerate(generate_with_truth(n, seed=seed)):
        name = f"gen_{i:04d}_{f.doc_kind}.txt"
        out.append((name, render(f, "txt").decode("utf-8"), label_of(truth, name)))
    return out


PARSE_SECONDS = 10.0  # a filing that takes longer is counted as not found and listed (ingest gives a file 30 s)


class ParseTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Stop a parse that runs past `seconds` (main thread only; elsewhere no limit is set)."""
    def stop(*_):
        raise ParseTimeout(f"took more than {seconds:g} s")

    try:
        old = signal.signal(signal.SIGALRM, stop)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def parse_text(text: str, name: str) -> list[Filing]:
    """The product's path from a file's bytes to filings (what ingest runs before the checks)."""
    return parse_document(read_bytes(text.encode("utf-8"), name))


def measure(items: list[tuple[str, str, dict]], names, seed: int = 11) -> DamageResult:
    names = tuple(names)
    key = "+".join(names) or "none"
    labels, changed, errors = [], 0, []
    t0 = time.perf_counter()
    for i, (name, text, label) in enumerate(items):
        rng = random.Random(f"{seed}:{key}:{i}")
        text2, truth = damage(text, label, names, rng)
        changed += text2 != text
        try:
            with time_limit(PARSE_SECONDS):
                parsed = parse_text(text2, name)
        except Exception as exc:  # a crash is a filing not found, and is listed
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
            parsed = []
        cands = [{**{c: getattr(f, c) for c in _FILING_COLUMNS}, "filing_id": f"{i}-{k}"} for k, f in enumerate(parsed)]
        rows = {c["filing_id"]: [{r: getattr(ind, r) for r in _ROW_COLUMNS} for ind in f.indicators]
                for c, f in zip(cands, parsed)}
        labels.append(score_label(name, truth, cands, lambda fid: rows[fid]))
    return DamageResult(names, Score(labels), changed, errors, time.perf_counter() - t0)


@dataclass
class RealItem:
    """One real text file of tests/data/real and the labels of the filings it holds."""

    key: str  # set/stem, e.g. 'dev3/proj3_04_sichuan-zhongjiang-shuibiaochi'
    name: str
    data: bytes
    labels: list[tuple[str, dict]]  # (label path relative to the labels folder, label)


def real_items(root: Path, sets=("dev", "dev2", "dev3")) -> list[RealItem]:
    """The real labelled copies of a checkout, one item per text file, in a fixed order."""
    real = Path(root) / "tests" / "data" / "real"
    by_file: dict[tuple[str, str], list] = {}
    for rel, label in load_labels(real / "labels"):
        s = rel.split("/")[0]
        if s in sets:
            by_file.setdefault((s, label["file"]), []).append((rel, label))
    out = []
    for (s, name), labels in sorted(by_file.items()):
        path = real / s / name
        out.append(RealItem(f"{s}/{Path(name).stem}", name, path.read_bytes(), labels))
    return out


def parse_item(data: bytes, name: str) -> list[Filing]:
    return parse_document(read_bytes(data, name))


def score_parsed(item: RealItem, parsed: list[Filing]) -> list:
    """LabelScores of one real file's labels against the filings parsed from it."""
    cands = [{**{c: getattr(f, c) for c in _FILING_COLUMNS}, "filing_id": str(k)} for k, f in enumerate(parsed)]
    rows = {c["filing_id"]: [{r: getattr(ind, r) for r in _ROW_COLUMNS} for ind in f.indicators]
            for c, f in zip(cands, parsed)}
    return [score_label(rel, label, cands, lambda fid: rows[fid]) for rel, label in item.labels]


def score_real(items: list[RealItem]) -> Score:
    """Read and parse each real file in this process (as ingest does, without the checks) and score it."""
    out = []
    for it in items:
        try:
            with time_limit(PARSE_SECONDS):
                parsed = parse_item(it.data, it.name)
        except Exception:  # a crash or a parse past the time limit is a filing not found
            parsed = []
        out.extend(score_parsed(it, parsed))
    return Score(out)


@dataclass
class DamageClass:
    name: str
    about: str
    profiles: list[tuple[str, ...]]  # each a combination of etl/sample/damage.py damages
    files: list[str]  # real files (set/stem) that show the class


def damage_classes(root: Path) -> list[DamageClass]:
    """tests/data/real/damage_classes.toml: the damage classes the real copies show, which damages
    reproduce each, and which real files show it."""
    data = tomllib.loads((Path(root) / "tests" / "data" / "real" / "damage_classes.toml").read_text(encoding="utf-8"))
    files: dict[str, list[str]] = {}
    for f, classes in data["files"].items():
        for c in classes:
            files.setdefault(c, []).append(f)
    out = []
    for name, c in data["classes"].items():
        out.append(DamageClass(name, c["about"], [tuple(p) for p in c["profiles"]], files.get(name, [])))
    unknown = set(files) - set(data["classes"])
    if unknown:
        raise ValueError(f"files assigned to unknown damage classes: {sorted(unknown)}")
    return out
