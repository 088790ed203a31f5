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
from collections import defaultdict
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from etl.eval.damaged import _FILING_COLUMNS, _ROW_COLUMNS, generated, parse_text, time_limit, PARSE_SECONDS  # noqa: E402
from etl.eval.score import Score, score_label  # noqa: E402
from etl.sample.damage import damage  # noqa: E402

# how two filings sit on one page; each joiner is text real copies print between them
JOINERS = {
    "blank_line": "\n\n",
    "no_gap": "\n",
    "page_chrome": "\n第1页 共2页\n\n",
    "annex": "\n\n附件\n\n",
    "same_line": "",  # a copy that lost its line breaks: the second filing's first line runs on from the first's last
}


def _key(label: dict) -> tuple:
    return (label.get("department"), label.get("year"))


def pairings(items: list[tuple[str, str, dict]], rng: random.Random) -> dict[str, list[tuple[int, int]]]:
    """Index pairs per kind of page, drawn from the generated filings."""
    by = defaultdict(list)
    for i, (_, _, lab) in enumerate(items):
        by[lab["doc_kind"]].append(i)
    def same(a_kind, b_kind, project: bool):
        out = []
        for i in by[a_kind]:
            la = items[i][2]
            for j in by[b_kind]:
                lb = items[j][2]
                if _key(la) == _key(lb) and (not project or la.get("project") == lb.get("project")):
                    out.append((i, j))
                    break
        return out
    two = []
    ps = list(by["project_self_eval"])
    rng.shuffle(ps)
    for a, b in zip(ps[::2], ps[1::2]):
        if items[a][2].get("project") != items[b][2].get("project") or _key(items[a][2]) != _key(items[b][2]):
            two.append((a, b))
    reports = list(by["self_eval_report"])
    rng.shuffle(reports)
    two_reports = [(a, b) for a, b in zip(reports[::2], reports[1::2]) if _key(items[a][2]) != _key(items[b][2])]
    years = []  # the same project's form in two years, one after the other (a page of a project's history)
    for i in by["project_target"]:
        for j in by["project_target"]:
            if items[i][2].get("project") == items[j][2].get("project") and \
                    items[j][2].get("year") == (items[i][2].get("year") or 0) + 1 and \
                    items[i][2].get("department") == items[j][2].get("department"):
                years.append((i, j))
                break
    return {
        "target+self_eval": same("project_target", "project_self_eval", True),
        "two reports": two_reports,
        "one project two years": years,
        "report+self_eval": same("self_eval_report", "dept_self_eval", False),
        "dept+project target": same("dept_target", "project_target", False),
        "two projects": two,
    }


def _untitled(text: str) -> str:
    """The text without its title line (a form printed after another under the page's one title)."""
    lines = text.split("\n")
    return "\n".join(lines[1:]) if len(lines) > 1 else text


def run(items, pairs, joiner: str, names: tuple[str, ...], seed: int,
        second_untitled: bool = False, first_untitled: bool = False) -> tuple[Score, int, list[str]]:
    labels, errors = [], []
    for n, (i, j) in enumerate(pairs):
        name = f"multi_{n:04d}.txt"
        texts, truths = [], []
        for k in (i, j):
            _, text, lab = items[k]
            lab = {**lab, "file": name}
            if names:
                text, lab = damage(text, lab, names, random.Random(f"{seed}:{'+'.join(names)}:{k}"))
            if (second_untitled and k == j) or (first_untitled and k == i):
                text = _untitled(text)
            texts.append(text.rstrip("\n"))
            truths.append(lab)
        whole = joiner.join(texts) + "\n"
        try:
            with time_limit(PARSE_SECONDS):
                parsed = parse_text(whole, name)
        except Exception as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
            parsed = []
        cands = [{**{c: getattr(f, c) for c in _FILING_COLUMNS}, "filing_id": f"{n}-{k}"} for k, f in enumerate(parsed)]
        rows = {c["filing_id"]: [{r: getattr(ind, r) for r in _ROW_COLUMNS} for ind in f.indicators]
                for c, f in zip(cands, parsed)}
        taken: set[str] = set()
        for t in truths:
            s = score_label(f"{name}:{t['doc_kind']}", t, [c for c in cands if c["filing_id"] not in taken],
                            lambda fid: rows[fid])
            if s.filing_id is not None:
                taken.add(s.filing_id)
            labels.append(s)
    return Score(labels), len(pairs), errors


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
            s, n, errors = run(items, pairs, JOINERS[jn], names, args.seed, args.second_untitled,
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
