"""Files that hold several filings: are they all found?

    .venv/bin/python bench/multi_bench.py [--filings 200] [--seed 11] [--damage space_cells] [--show 5]

Real pages often print two filings one after the other: a project's 绩效目标表 and its 自评表, a
自评报告 with its 自评表 annexed, several projects' tables under one page title, a department's table
and its projects'. A filing the parser does not split off is "not found" by the scorer, which loses all
of its fields, so this is the costliest miss there is on an unseen set. Here generated filings
(etl/sample, rendered as text with their truth) are paired the way real pages pair them, each part
optionally damaged like a web copy (etl/sample/damage.py), joined with the separators real copies
show, read and parsed in process as ingest does, and scored with the real-corpus scorer: each label
takes the best remaining filing of its file (as bench/real_corpus.py does).

Printed per pairing and joiner: files, labels found, fields, rows_f1.
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from etl.eval.damaged import generated  # noqa: E402
from etl.eval.multi import JOINERS, measure_pairs, pairings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--damage", default="", help="damages applied to each part before joining (a+b)")
    ap.add_argument("--only", help="pairing names, comma-separated")
    ap.add_argument("--joiners", help="joiner names, comma-separated (default: all)")
    ap.add_argument("--show", type=int, default=0, help="print this many unfound labels per row")
    ap.add_argument("--second-untitled", action="store_true", help="drop the second filing's title line")
    ap.add_argument("--first-untitled", action="store_true", help="drop the first filing's title line")
    args = ap.parse_args()
    t0 = time.perf_counter()
    items = generated(args.filings, seed=args.seed)
    names = tuple(n for n in args.damage.split("+") if n)
    allp = pairings(items, random.Random(args.seed))
    joiners = args.joiners.split(",") if args.joiners else list(JOINERS)
    print(f"{len(items)} generated filings (seed {args.seed}); damage: {'+'.join(names) or 'none'}")
    head = f"{'pairing':<22} {'joiner':<12} {'files':>5} {'found':>9} {'fields':>6} {'rows_f1':>7}"
    print(head)
    print("-" * len(head))
    for pname, pairs in allp.items():
        if args.only and pname not in args.only.split(","):
            continue
        for jn in joiners:
            s, n, errors = measure_pairs(items, pairs, JOINERS[jn], names, args.seed, args.second_untitled,
                               args.first_untitled)
            print(f"{pname:<22} {jn:<12} {n:>5} {f'{s.found}/{len(s.labels)}':>9} {s.fields:>6.3f} {s.rows_f1:>7.3f}",
                  flush=True)
            for e in errors[:2]:
                print("    parse error:", e)
            shown = 0
            for lab in s.labels:
                if not lab.found and shown < args.show:
                    print(f"    not found: {lab.label}")
                    shown += 1
    print(f"total {time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
