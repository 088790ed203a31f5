"""Honest estimates for the learned cell tagger: leave one file out.

    .venv/bin/python bench/lofo.py [--sets dev,dev2,dev3] [--weights 0.3] [--keep DIR] [--verbose]

For every real labelled file with indicator rows, the tagger is trained again
without that file's rows (`etl.train.cell_tagger.train(exclude=...)`, everything else
the same), the file is parsed with that model and scored. Printed per set:

- before: no tagger at all (the decoder as it was);
- in-sample: the committed model, trained on every real row (this file's too);
- LOFO: each file read by the model that never saw it.

Files without rows (reports) do not feed the tagger, and files whose reading
never asks the tagger (no glued piece, no line that may be glued) cannot be
changed by it: for both, the LOFO reading is the in-sample one, exactly, and no
fold is trained. --weights evaluates several `DecodeSettings.tagger_weight`
values with the same fold models (training is the slow part, parsing is not).
Figures: fields and rows_f1 of the project's scorer, parsed in process as
bench/damage_bench.py does (ingest's checks are not run; fields are the same).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from etl.eval.damaged import PARSE_SECONDS, parse_item, real_items, score_parsed, time_limit
from etl.eval.score import Score
from etl.parse import decode, tagger
from etl.train.cell_tagger import SETTINGS as TRAIN, train

ROOT = Path(__file__).resolve().parents[1]


def _score(item, weight: float | None):
    """LabelScores of one file read with the current model at `weight` (None: the tagger off)."""
    object.__setattr__(decode.SETTINGS, "tagger_weight", 0.0 if weight is None else weight)
    try:
        with time_limit(PARSE_SECONDS):
            parsed = parse_item(item.data, item.name)
    except Exception:
        parsed = []
    return score_parsed(item, parsed)


def _uses_tagger(item) -> bool:
    """Does reading this file ask the tagger anything (a glued piece, a line that may be glued)?"""
    tagger.marginals.cache_clear()
    _score(item, decode.SETTINGS.tagger_weight or 0.2)
    return tagger.marginals.cache_info().misses > 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="dev,dev2,dev3")
    ap.add_argument("--weights", default=str(decode.SETTINGS.tagger_weight),
                    help="comma-separated tagger weights to score (default: the decoder's setting)")
    ap.add_argument("--keep", type=Path, help="keep the fold models in this folder (and reuse the ones there)")
    ap.add_argument("--iterations", type=int, default=TRAIN.max_iterations)
    ap.add_argument("--train-sets", default=",".join(TRAIN.real_sets),
                    help="the labelled sets the fold models learn from (default: the committed model's)")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--train-only", action="store_true",
                    help="only train the fold models into --keep (a second process can share the work), in reverse order")
    args = ap.parse_args()
    sets = args.sets.split(",")
    weights = [float(w) for w in args.weights.split(",")]
    default_weight = decode.SETTINGS.tagger_weight
    items = [it for it in real_items(ROOT, tuple(sets))]
    settings = replace(TRAIN, max_iterations=args.iterations, real_sets=tuple(args.train_sets.split(",")))
    t0 = time.perf_counter()
    tagger.use_model(tagger.MODEL_FILE)
    uses = {it.key: _uses_tagger(it) for it in items}
    if args.train_only:
        for it in reversed(items):
            path = args.keep / (it.key.replace("/", "__") + ".crfsuite")
            if uses[it.key] and any(lab.get("indicators") for _, lab in it.labels) and not path.exists():
                r = train(path, ROOT, settings, exclude=frozenset({it.key}))
                print(f"  {it.key}: trained in {r.seconds:.0f} s", flush=True)
        return

    before = {it.key: _score(it, None) for it in items}
    tagger.use_model(tagger.MODEL_FILE)
    inside = {w: {it.key: _score(it, w) for it in items} for w in weights}
    lofo = {w: {} for w in weights}
    folds = 0
    train_s = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or Path(tmp)
        keep.mkdir(parents=True, exist_ok=True)
        for it in items:
            if not any(lab.get("indicators") for _, lab in it.labels) or not uses[it.key]:
                # no rows to leave out, or a file whose reading never asks the tagger: the model cannot
                # change it, so its LOFO reading is its in-sample reading, exactly
                for w in weights:
                    lofo[w][it.key] = inside[w][it.key]
                continue
            path = keep / (it.key.replace("/", "__") + ".crfsuite")
            if not path.exists():
                r = train(path, ROOT, settings, exclude=frozenset({it.key}))
                train_s += r.seconds
            folds += 1
            tagger.use_model(path)
            for w in weights:
                lofo[w][it.key] = _score(it, w)
            if args.verbose:
                w = weights[0]
                print(f"  {it.key}: before {Score(before[it.key]).fields:.3f} in-sample "
                      f"{Score(inside[w][it.key]).fields:.3f} LOFO {Score(lofo[w][it.key]).fields:.3f}", flush=True)
    tagger.use_model(tagger.MODEL_FILE)
    object.__setattr__(decode.SETTINGS, "tagger_weight", default_weight)

    def agg(d, s):
        return Score([ls for k, v in d.items() if k.startswith(s + "/") for ls in v])

    print(f"{folds} folds trained ({train_s:.0f} s of training), {time.perf_counter() - t0:.0f} s in all")
    head = f"{'set':<6} {'weight':>6} {'before':>13} {'in-sample':>13} {'LOFO':>13}   (fields / rows_f1)"
    print(head)
    print("-" * len(head))
    for s in sets + ["all"]:
        for w in weights:
            sel = (lambda d: Score([ls for v in d.values() for ls in v])) if s == "all" else (lambda d, s=s: agg(d, s))
            b, i, lo = sel(before), sel(inside[w]), sel(lofo[w])
            print(f"{s:<6} {w:>6g} {b.fields:>6.3f}/{b.rows_f1:.3f} {i.fields:>6.3f}/{i.rows_f1:.3f} "
                  f"{lo.fields:>6.3f}/{lo.rows_f1:.3f}")


if __name__ == "__main__":
    main()
