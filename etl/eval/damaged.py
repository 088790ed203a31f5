"""Score the product's normal read + parse path on generated filings damaged like real web copies.

    items = generated(300, seed=11)                       # [(name, text, label)]
    result = measure(items, ["glue_cells"], seed=11)      # DamageResult: a Score plus counts

No database: each damaged text goes through etl.read.read_bytes and
etl.parse.parse_document in this process, and is scored with the same scorer as
the real corpus (etl.eval.score), against the truth etl.sample.damage keeps.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, fields

from etl.eval.score import Score, score_label
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
            parsed = parse_text(text2, name)
        except Exception as exc:  # a crash is a filing not found, and is listed
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
            parsed = []
        cands = [{**{c: getattr(f, c) for c in _FILING_COLUMNS}, "filing_id": f"{i}-{k}"} for k, f in enumerate(parsed)]
        rows = {c["filing_id"]: [{r: getattr(ind, r) for r in _ROW_COLUMNS} for ind in f.indicators]
                for c, f in zip(cands, parsed)}
        labels.append(score_label(name, truth, cands, lambda fid: rows[fid]))
    return DamageResult(names, Score(labels), changed, errors, time.perf_counter() - t0)
