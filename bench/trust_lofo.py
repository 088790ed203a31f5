"""Per filing: parse_confidence leave-one-file-out against the share of fields read right, with its evidence.

    .venv/bin/python bench/trust_lofo.py [--all] [--top N] [--leave-set SET ...]

Runs what `jixiao train confidence` measures (etl/train/confidence.py: each file assessed by both models fitted,
penalty chosen, without it; a label's confidence is the lowest of its file's filings) and lists the labels the
ranking gets most wrong first: for a badly read label (fields < 0.90), the share of well-read labels at or below
its confidence; for a well-read one, the share of badly read labels at or above it. Under each, every filing of
the file: kind, rows read / expected, figures of the table used / unused, money cues unread, meta missing,
arithmetic gaps, the guarantee that capped it, the model's estimate and the signals that are not 0. Writes
nothing.

--leave-set SET (repeatable; 'each' for every set): also the leave-one-set-out figures, both models fitted on the
files of the other sets and every label of SET assessed by that fit, beside the leave-one-file-out figures of the
same labels; with 'each', those of every label pooled as well. A set gathered after the others (dev4) so stands in
for filings of templates the fit has not seen, as the sealed blind set does, where leave-one-file-out still fits on
the other files of the same search.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from etl.check.settings import load_settings
from etl.train.confidence import file_confidence, fold_models, in_sample, leave_one_file_out, load_corpus, fit
from etl.trust import doubt, held, policy, row_confidences
from etl.trust.figures import WELL_READ, Calibration
from etl.trust.signals import filing_signals

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=25, help="how many labels to list (default 25)")
    ap.add_argument("--all", action="store_true", help="list every label")
    ap.add_argument("--leave-set", action="append", default=[], metavar="SET",
                    help="also fit without the files of SET and assess them ('each': every set)")
    args = ap.parse_args()
    files = load_corpus(ROOT)
    models = fold_models(files)
    accept = load_settings().accept_confidence
    lofo = leave_one_file_out(files, models)
    whole = fit(files)
    inside = {p.label: p.confidence for p in in_sample(files, whole)}
    print("leave-one-file-out " + Calibration(tuple(lofo), accept).line())
    print("in-sample          " + Calibration(tuple(in_sample(files, whole)), accept).line())
    sets = sorted({_set_of(lab.name) for sf in files for lab in sf.labels})
    pooled = []
    for name in (sets if "each" in args.leave_set else args.leave_set):
        out, rest = _split(files, name)
        if not out:
            raise SystemExit(f"no labelled file in set {name!r} (sets: {', '.join(sets)})")
        own = [p for p in lofo if _set_of(p.label) == name]
        left_out = in_sample(out, fit(rest))
        pooled += left_out
        print(f"{name:6} leave-one-set-out  " + Calibration(tuple(left_out), accept).line())
        print(f"{name:6} leave-one-file-out " + Calibration(tuple(own), accept).line())
    if "each" in args.leave_set:
        # every label assessed by the fit without its whole set: one figure for templates the fit has not seen
        print("pooled leave-one-set-out  " + Calibration(tuple(pooled), accept).line())
    good = [p.confidence for p in lofo if p.accuracy >= WELL_READ]
    bad = [p.confidence for p in lofo if p.accuracy < WELL_READ]

    def wrong(p) -> float:
        if p.accuracy >= WELL_READ:
            return sum((b > p.confidence) + 0.5 * (b == p.confidence) for b in bad) / max(1, len(bad))
        return sum((g < p.confidence) + 0.5 * (g == p.confidence) for g in good) / max(1, len(good))

    file_of = {lab.name: sf for sf in files for lab in sf.labels}
    ranked = sorted(lofo, key=lambda p: (-wrong(p), p.label))
    cap, points, row_cap = policy()
    for p in ranked if args.all else ranked[:args.top]:
        sf = file_of[p.label]
        m = models[sf.name]
        tag = "well" if p.accuracy >= WELL_READ else "BAD "
        print(f"\n{wrong(p):.2f} {tag} fields {p.accuracy:.3f}  LOFO {p.confidence:.3f}  in-sample {inside[p.label]:.3f}  "
              f"{p.label}  (C={m.meta['filing_c']:g})")
        for k, part in enumerate(sf.parts):
            f, e = part.filing, part.evidence
            sig = filing_signals(f, e, row_confidences(m, f, part.rows, row_cap))
            raw = m.filing(sig)
            why = doubt(f, e, points)
            capped = f" capped ({why})" if held(raw, why, cap, e) < raw else ""
            print(f"   part {k} {f.doc_kind}: rows {e.rows}/{e.rows_expected} figures {e.figures_used}/{e.figures_unused} "
                  f"money cues unread {e.money_missing} meta {e.meta_missing} points gap {e.points_gap:.1f} "
                  f"money gap {e.money_gap:.1f} -> model {raw:.3f}{capped}")
            print("      " + " ".join(f"{k2}={v:.2f}" for k2, v in sig.items() if v))


def _set_of(label: str) -> str:
    """A label's set: the folder of its name ('dev4/proj4_01….json' -> 'dev4')."""
    return label.split("/", 1)[0]


def _split(files, name: str):
    """(the files with a label of set `name`, the others)."""
    out = [sf for sf in files if any(_set_of(lab.name) == name for lab in sf.labels)]
    return out, [sf for sf in files if sf not in out]


if __name__ == "__main__":
    main()
