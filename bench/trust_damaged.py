"""parse_confidence on generated filings damaged like real web copies: a stand-in for templates nobody has labelled.

    .venv/bin/python bench/trust_damaged.py [--filings 200] [--seed 23] [--worst 15]

Both models are fitted on every labelled real file (as `jixiao train confidence` ships them); then generated filings
(etl/sample/generate.py), each damaged by one to three of etl/sample/damage.py's damages drawn at random (the draw
fixed by the seed), are read and parsed by the product's path and assessed by that fit, and their confidence is set
against the share of their fields read right (the truth the damage keeps). No generated filing fits the model, and
the damages mix in ways no labelled file shows, so a signal that only fits the labelled sets' quirks gains nothing
here, where one that reads a misreading off the evidence does. Prints the calibration line and the readings whose
confidence is furthest above their accuracy. Writes nothing.

'traditional' is not drawn: its truth keeps the traditional script where the reader prints level words simplified,
so its filings would count misses no person would call misreadings.
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from etl.check.settings import load_settings
from etl.eval.damaged import PARSE_SECONDS, generated, time_limit
from etl.eval.score import score_label
from etl.parse import parse_document
from etl.read import read_bytes
from etl.sample.damage import DAMAGES, damage
from etl.train.confidence import Label, SourceFile, _row_accuracy, document_parts, fit, in_sample, load_corpus
from etl.trust.figures import Calibration

ROOT = Path(__file__).resolve().parents[1]
NOT_DRAWN = ("traditional",)


def damaged_files(n: int, seed: int) -> list[SourceFile]:
    """n generated filings, each damaged and parsed, as the trainer's SourceFile (one label each)."""
    names = [d for d in DAMAGES if d not in NOT_DRAWN]
    settings = load_settings()
    out = []
    for i, (name, text, label) in enumerate(generated(n, seed=seed)):
        rng = random.Random(f"{seed}:{i}")
        drawn = rng.sample(names, rng.choice([1, 2, 2, 3, 3]))
        text2, truth = damage(text, label, drawn, rng)
        try:
            with time_limit(PARSE_SECONDS):
                doc = read_bytes(text2.encode("utf-8"), name)
                filings = parse_document(doc)
        except Exception:  # a crash is a filing not found, as ingest fails it
            doc, filings = None, []
        parts, cands, rows_of = document_parts(doc, filings, settings)
        s = score_label(name, truth, cands, lambda fid: rows_of[fid])
        k = int(s.filing_id) if s.filing_id is not None else None
        out.append(SourceFile(name, parts, [Label(f"{name} +{'+'.join(drawn)}", s.fields if s.found else 0.0, k,
                                                  _row_accuracy(truth, filings[k]) if k is not None else [])]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, default=200)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--worst", type=int, default=15, help="list this many readings trusted furthest above their accuracy")
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = fit(load_corpus(ROOT))
    files = damaged_files(args.filings, args.seed)
    points = in_sample(files, model)
    print(f"damaged generated ({args.filings}, seed {args.seed}) "
          + Calibration(tuple(points), load_settings().accept_confidence).line()
          + f"  [{time.perf_counter() - t0:.0f}s]")
    for p in sorted(points, key=lambda p: p.accuracy - p.confidence)[:args.worst]:
        print(f"  fields {p.accuracy:.3f}  confidence {p.confidence:.3f}  {p.label}")


if __name__ == "__main__":
    main()
