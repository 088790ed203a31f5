"""How well the parser reads generated filings damaged the way real web copies are (etl/sample/damage.py).

    .venv/bin/python bench/damage_bench.py [--filings 300] [--seed 11] [--only glue_cells] [--show 5]
    .venv/bin/python bench/damage_bench.py --classes [--filings 100]     # real vs generated, per class
    .venv/bin/python bench/damage_bench.py --no-tagger ...               # the same without the cell tagger

For "none", every damage type alone and a few combinations of three, the same
generated filings are damaged (deterministically), read and parsed in process
(etl.read + etl.parse, as ingest does), and scored with the real-corpus scorer.
Columns: fields = share of scored fields exactly right (the scorer's field set);
meta / budget / totals / rows = the same share within doc_kind, department,
project, year, county / the money block / 总分 / the indicator row fields;
rows_f1 and rows found (recall) of indicator rows; filings found; changed =
filings whose text the damage changed (reports have no table to damage).

--classes checks the damage model against reality: for every damage class the
real copies show (tests/data/real/damage_classes.toml: which real files show
it, which damages reproduce it), the real score of those files (read and
parsed in process, as here) beside the score of generated filings damaged by
the class's profile. `gap` = generated - real; a large gap says the class is
not yet realistic (or the real files lose fields to something else as well:
a header family the decoder does not know, a money block, meta fields).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from etl.eval.damaged import damage_classes, generated, measure, real_items, score_real
from etl.parse import tagger
from etl.eval.score import BUDGET, META, ROW_FIELDS, TOTALS
from etl.sample.damage import DAMAGES

COMBOS = [
    ("header_synonyms", "drop_empty_cells", "page_chrome"),  # a web copy of a table worded differently
    ("pinyin_glosses", "traditional", "glue_cells"),  # a document-sharing mirror
    ("indicator_prefixes", "vertical_levels", "wrap_cells"),  # a PDF copied as text
    ("ocr_confusions", "reorder_columns", "truncation"),  # a scan, cut short
    ("header_synonyms", "wrap_cells", "page_chrome"),
    ("cells_per_line", "indicator_prefixes", "ocr_confusions"),  # a web page's table copied cell by cell
    ("pipe_cells", "traditional", "pinyin_glosses"),  # a markdown mirror of a traditional-script page
    ("space_cells", "wrap_cells", "page_chrome"),  # a PDF's text layer: wrapped cells with no positions left
]
ROOT = Path(__file__).resolve().parents[1]
GROUPS = {"meta": META, "budget": list(BUDGET.values()), "totals": TOTALS, "rows": ROW_FIELDS}


def _share(by_field: dict, keys) -> str:
    n = sum(by_field.get(k, (0, 0))[0] for k in keys)
    ok = sum(by_field.get(k, (0, 0))[1] for k in keys)
    return f"{ok / n:.3f}" if n else "-"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, default=300)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--only", help="comma-separated damage names (a+b+c for a combination); default: all")
    ap.add_argument("--show", type=int, default=0, help="print this many misses per configuration")
    ap.add_argument("--by-field", action="store_true", help="print the share right of every scored field")
    ap.add_argument("--classes", action="store_true", help="per damage class: real files' score beside the generated one")
    ap.add_argument("--no-tagger", action="store_true", help="read without the learned cell tagger (the decoder before it)")
    args = ap.parse_args()
    if args.no_tagger:
        tagger.use_model(None)
    t0 = time.perf_counter()
    items = generated(args.filings, seed=args.seed)
    if args.classes:
        classes_table(items, args.seed)
        print(f"total {time.perf_counter() - t0:.0f}s")
        return
    if args.only:
        configs = [tuple(c.split("+")) if c != "none" else () for c in args.only.split(",")]
    else:
        configs = [()] + [(name,) for name in DAMAGES] + COMBOS
    kinds: dict[str, int] = {}
    for _, _, label in items:
        kinds[label["doc_kind"]] = kinds.get(label["doc_kind"], 0) + 1
    print(f"{len(items)} generated filings (seed {args.seed}): " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    head = f"{'damage':<52} {'changed':>7} {'fields':>6} {'meta':>6} {'budget':>6} {'totals':>6} {'rows':>6} {'rows_f1':>7} {'rows_found':>10} {'filings':>8} {'s':>5}"
    print(head)
    print("-" * len(head))
    for names in configs:
        r = measure(items, names, seed=args.seed)
        s = r.score
        bf = s.by_field()
        tp, fn = s._sum("tp"), s._sum("fn")
        label = " + ".join(names) or "none"
        print(f"{label:<52} {r.changed:>7} {s.fields:>6.3f} {_share(bf, META):>6} {_share(bf, BUDGET.values()):>6} "
              f"{_share(bf, TOTALS):>6} {_share(bf, ROW_FIELDS):>6} {s.rows_f1:>7.3f} {f'{tp}/{tp + fn}':>10} "
              f"{f'{s.found}/{len(s.labels)}':>8} {r.seconds:>5.1f}", flush=True)
        if args.by_field:
            print("    " + ", ".join(f"{k} {ok / n:.2f}" for k, (n, ok) in bf.items() if n))
        for e in r.errors[:3]:
            print("    parse error:", e)
        if args.show:
            shown = 0
            for lab in s.labels:
                for m in lab.misses:
                    if shown < args.show:
                        print(f"    {lab.label}: {m}")
                        shown += 1
    print(f"total {time.perf_counter() - t0:.0f}s")


def classes_table(items, seed: int) -> None:
    """Per damage class: the real files that show it (fields, rows_f1) beside generated filings
    damaged by the class's profile(s)."""
    real = {it.key: it for it in real_items(ROOT)}
    head = f"{'class':<20} {'files':>5} {'real fields':>11} {'rows_f1':>7} {'gen fields':>10} {'rows_f1':>7} {'gap':>6}  profile"
    print(head)
    print("-" * len(head))
    for c in damage_classes(ROOT):
        missing = [f for f in c.files if f not in real]
        if missing:
            raise SystemExit(f"damage_classes.toml names files that are not in tests/data/real: {missing}")
        rs = score_real([real[f] for f in c.files]) if c.files else None
        gens = [measure(items, p, seed=seed).score for p in c.profiles]
        gf = sum(g.fields for g in gens) / len(gens)
        gr = sum(g.rows_f1 for g in gens) / len(gens)
        rf = f"{rs.fields:.3f}" if rs else "-"
        rr = f"{rs.rows_f1:.3f}" if rs else "-"
        gap = f"{gf - rs.fields:+.3f}" if rs else "-"
        print(f"{c.name:<20} {len(c.files):>5} {rf:>11} {rr:>7} {gf:>10.3f} {gr:>7.3f} {gap:>6}  "
              + "; ".join(" + ".join(p) for p in c.profiles), flush=True)


if __name__ == "__main__":
    main()
