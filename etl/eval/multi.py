"""Files that hold several filings, generated: pairs of generated filings joined the way real pages print them.

    items = generated(200, seed=11)                           # etl.eval.damaged
    pairs = pairings(items, random.Random(11))                # {"report+self_eval": [(i, j), …], …}
    score, files, errors = measure_pairs(items, pairs["report+self_eval"], JOINERS["same_line"], (), 11)

Each pair's two texts (each optionally damaged like a web copy, etl/sample/damage.py; either one's title line
optionally dropped) are joined into one file's text, read and parsed in process as ingest does, and scored with
the real-corpus scorer: each label takes the best remaining filing of its file, as bench/real_corpus.py does. A
filing the parser does not split off is "not found", the costliest miss on an unseen set (bench/multi_bench.py).
"""
from __future__ import annotations

import random
from collections import defaultdict

from etl.eval.damaged import PARSE_SECONDS, _FILING_COLUMNS, _ROW_COLUMNS, parse_text, time_limit
from etl.eval.score import Score, score_label
from etl.sample.damage import damage

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


def measure_pairs(items, pairs, joiner: str, names: tuple[str, ...], seed: int,
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
