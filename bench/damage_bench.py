"""How well the parser reads generated filings damaged the way real web copies are (etl/sample/damage.py).

    .venv/bin/python bench/damage_bench.py [--filings 300] [--seed 11] [--only glue_cells] [--show 5]

For "none", every damage type alone and a few combinations of three, the same
generated filings are damaged (deterministically), read and parsed in process
(etl.read + etl.parse, as ingest does), and scored with the real-corpus scorer.
Columns: fields = share of scored fields exactly right (the scorer's field set);
meta / budget / totals / rows = the same share within doc_kind, department,
project, year, county / the money block / 总分 / the indicator row fields;
rows_f1 and rows found (recall) of indicator rows; filings found; changed =
filings whose text the damage changed (reports have no table to damage).
"""
from __future__ import annotations

import argparse
import time

from etl.eval.damaged import generated, measure
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
    args = ap.parse_args()
    t0 = time.perf_counter()
    items = generated(args.filings, seed=args.seed)
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


if __name__ == "__main__":
    main()
