"""Fit the confidence models on the labelled real files and measure them leave-one-file-out.

    jixiao train confidence [--out etl/trust/model.json]

Every real file of the corpus (data/seeds, tests/data/real/dev*) is read and parsed by the product's own
path (etl.read.read_bytes, etl.parse.parse_document), and every label is scored against what was parsed,
with the scorer's own matching (etl/eval/score.py). That gives, per label, the share of its fields read
right, and per parsed row that a label row was paired with, the share of its eight fields read right (a
parsed row no label row was paired with counts as read wrong).

    row model      fractional logistic regression of row signals on the rows' shares
    filing model   fractional logistic regression of filing signals (among them the row model's expected
                   misses) on the labels' shares to a power, read back by its root

Fractional: an item read 0.8 right is one example of "right" with weight 0.8 and one of "wrong" with weight
0.2, so the fitted probability estimates the share of fields. The fit is deterministic (Newton steps on the same
rows in the same order). The figures printed are leave-one-file-out: for each file, both models are refitted
without that file's labels, and the file's filings are assessed by that fit, so no file's own label fits the
model that scores it. The shipped model is the fit on every file.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from etl.check.settings import load_settings
from etl.eval.floors import corpus
from etl.eval.score import ROW_FIELDS as SCORE_ROW_FIELDS
from etl.eval.score import align, load_labels, same, score_label
from etl.normalise.script import strip_glosses
from etl.parse import parse_document
from etl.read import read_bytes
from etl.records import Document, Filing
from etl.trust import doubt, held, policy, row_confidences
from etl.trust.combine import MODEL_FILE, Logistic, Model
from etl.trust.figures import Calibration, Point
from etl.trust.signals import FILING_SIGNALS, ROW_SIGNALS, Evidence, evidence, filing_rows, filing_signals, row_signals

# Inverse regularisation strengths (scikit-learn's C). The signals are shares and flags of similar scale.
# The row model (hundreds of rows, ten flags) keeps a fixed weak penalty.
ROW_C = 10.0
# The filing model is fitted on the share of fields right to a power and reads back its root (combine.py): a power
# above 1 weighs a filing one field short of whole as clearly unlike a whole one. Its penalty C and that power can
# be chosen from grids by cross-validation on the files it is fitted on (INNER_FOLDS folds of whole files), and
# leave-one-file-out then runs that choice again inside every fold. The grids hold one value each, the weak
# penalty C = 100 and the power 3 of the stop before: on the reader of this stop cross-validation chose C = 3,
# whose shrinkage left four of the designed doubts without effect (a table cut after one row outranked the
# whole table; tests/test_trust.py), for LOFO 0.729 / 0.101 against 0.770 / 0.107 with C = 100.
FILING_CS = (100.0,)
FILING_POWERS = (3.0,)
INNER_FOLDS = 5

_FILING_COLUMNS = ["doc_kind", "department", "project", "year", "county", "budget_initial", "budget_adjusted",
                   "budget_executed", "exec_rate_reported", "exec_weight", "exec_score", "total_weight", "total_score"]


@dataclass
class Part:
    """One parsed filing and its evidence (independent of any model)."""

    filing: Filing
    evidence: Evidence
    rows: list[dict[str, float]]  # row signals


@dataclass
class Label:
    name: str  # label path under the labels folder
    accuracy: float
    part: int | None  # index of the filing the scorer matched, None when none was
    row_accuracy: list[float] = field(default_factory=list)  # per row of that filing


@dataclass
class SourceFile:
    name: str
    parts: list[Part]
    labels: list[Label]


def read_file(path: Path) -> tuple[Document | None, list[Filing]]:
    """The product's read and parse of one file; a file it cannot read has no filings (as ingest fails it)."""
    try:
        doc = read_bytes(path.read_bytes(), path.name)
        return doc, parse_document(doc)
    except Exception:  # the ingest logs such a file as failed: it holds no filing
        return None, []


def _row_accuracy(label: dict, f: Filing) -> list[float]:
    got = [{k: getattr(ind, k) for k in SCORE_ROW_FIELDS} for ind in f.indicators]
    by_row = {id(g): sum(same(w.get(k), g.get(k)) for k in SCORE_ROW_FIELDS) / len(SCORE_ROW_FIELDS)
              for w, g in align(label.get("indicators", []), got)}
    return [by_row.get(id(g), 0.0) for g in got]


def document_parts(doc, filings: list, settings) -> tuple[list[Part], list[dict], dict[str, list[dict]]]:
    """What the fit reads of one parsed document (each filing's evidence and row signals) and what the scorer
    is handed (its filings as candidates, their rows by candidate id). `doc` None: the file could not be read."""
    plain = strip_glosses(doc) if doc is not None else None
    spans = filing_rows(plain, filings) if plain is not None else []
    parts = []
    for f, rows in zip(filings, spans):
        for ind in f.indicators:
            ind.decoder_margin = ind.parse_confidence
        parts.append(Part(f, evidence(f, rows, filings, plain.rows,
                                      project_ratio=settings.project_report_ratio), row_signals(f, rows)))
    cands = [{**{c: getattr(f, c) for c in _FILING_COLUMNS}, "filing_id": str(k)} for k, f in enumerate(filings)]
    rows_of = {str(k): [{c: getattr(i, c) for c in ["seq", *SCORE_ROW_FIELDS]} for i in f.indicators]
               for k, f in enumerate(filings)}
    return parts, cands, rows_of


def load_corpus(root: Path) -> list[SourceFile]:
    """Every labelled real file, parsed and scored (files in name order, labels in the scorer's order)."""
    sources, labels_dir, _ = corpus(Path(root))
    paths = {p.name: p for d in sources for p in sorted(Path(d).rglob("*")) if p.is_file() and not p.name.startswith(".")}
    by_file: dict[str, list[tuple[str, dict]]] = {}
    for name, lab in load_labels(labels_dir):
        by_file.setdefault(lab["file"], []).append((name, lab))
    settings = load_settings()
    out = []
    for file in sorted(by_file):
        doc, filings = read_file(paths[file]) if file in paths else (None, [])
        parts, cands, rows_of = document_parts(doc, filings, settings)
        taken: set[str] = set()
        labels = []
        for name, lab in by_file[file]:
            s = score_label(name, lab, [c for c in cands if c["filing_id"] not in taken], lambda fid: rows_of[fid])
            k = int(s.filing_id) if s.filing_id is not None else None
            if s.filing_id is not None:
                taken.add(s.filing_id)
            labels.append(Label(name, s.fields if s.found else 0.0, k,
                                _row_accuracy(lab, filings[k]) if k is not None else []))
        out.append(SourceFile(file, parts, labels))
    return out


# Signals whose weight may not raise confidence: each is a doubt (a misread a person would name), so a positive
# weight can only come from its overlap with another signal (meta_missing is counted inside `estimate` too) or from
# the few files it fires on, and it would reward the very reading it names (a report read without its project
# trusted more than with it). Every signal but the estimate and the report flag is one.
NOT_DOUBTS = ("estimate", "is_report")


def _fractional_logistic(xs: list[list[float]], ys: list[float], c: float, names: tuple[str, ...],
                         power: float = 1.0) -> Logistic:
    """The logistic fit of the shares ys (each to `power`) on the signals xs, each doubt's weight held at or below
    zero: a doubt whose weight comes out positive is left out and the rest fitted again (the worst one first, until
    none is; deterministic), and keeps a weight of 0."""
    ys = [a ** power for a in ys]
    x = np.array([row for row in xs for _ in (0, 1)], dtype=float).reshape(-1, len(names))
    y = np.array([1, 0] * len(xs))
    w = np.array([v for a in ys for v in (a, 1.0 - a)], dtype=float) + 1e-9
    keep = list(range(len(names)))
    while True:
        m = LogisticRegression(C=c, max_iter=5000, solver="newton-cholesky")
        m.fit(x[:, keep], y, sample_weight=w)
        coef = dict(zip(keep, (float(v) for v in m.coef_[0])))
        wrong = [(v, k) for k, v in coef.items() if v > 0 and names[k] not in NOT_DOUBTS]
        if not wrong:
            break
        keep.remove(max(wrong)[1])
    return Logistic(names, tuple(coef.get(k, 0.0) for k in range(len(names))), float(m.intercept_[0]), power)


def fit_rows(files: list[SourceFile], row_c: float = ROW_C) -> tuple[Logistic, int]:
    """The row model fitted on the labelled rows of `files`, and how many rows it saw."""
    rx, ry = [], []
    for sf in files:
        for lab in sf.labels:
            if lab.part is None:
                continue
            for sig, acc in zip(sf.parts[lab.part].rows, lab.row_accuracy):
                rx.append([sig[k] for k in ROW_SIGNALS])
                ry.append(acc)
    return _fractional_logistic(rx, ry, row_c, ROW_SIGNALS), len(rx)


def _filing_examples(files: list[SourceFile], row: Logistic) -> tuple[list[list[float]], list[float]]:
    fx, fy = [], []
    for sf in files:
        for lab in sf.labels:
            if lab.part is None:
                continue
            part = sf.parts[lab.part]
            sig = filing_signals(part.filing, part.evidence, [row(s) for s in part.rows])
            fx.append([sig[k] for k in FILING_SIGNALS])
            fy.append(lab.accuracy)
    return fx, fy


def fit(files: list[SourceFile], row_c: float = ROW_C, filing_c: float | None = None,
        filing_power: float | None = None) -> Model:
    """Both models, fitted on the labelled filings of `files`; the filing model's C and power, where not given, chosen
    on `files` (choose_filing_fit)."""
    if filing_c is None or filing_power is None:
        filing_c, filing_power = choose_filing_fit(
            files, row_c, FILING_CS if filing_c is None else (filing_c,),
            FILING_POWERS if filing_power is None else (filing_power,))
    row, n_rows = fit_rows(files, row_c)
    fx, fy = _filing_examples(files, row)
    filing = _fractional_logistic(fx, fy, filing_c, FILING_SIGNALS, filing_power)
    meta = {"files": len(files), "labels": sum(len(sf.labels) for sf in files), "rows": n_rows,
            "row_c": row_c, "filing_c": filing_c, "filing_power": filing_power}
    return Model(row, filing, meta)


def choose_filing_fit(files: list[SourceFile], row_c: float = ROW_C, cs: tuple[float, ...] = FILING_CS,
                      powers: tuple[float, ...] = FILING_POWERS, folds: int = INNER_FOLDS) -> tuple[float, float]:
    """The filing model's (C, power) of the grids whose confidences, on files held out a fold at a time (file k of
    `files` in fold k mod folds, in their order), are nearest their labels' accuracies (sum of squared differences,
    the confidence as `assess` sets it); a tie goes to the stronger penalty, then the lower power. Uses only
    `files`: inside leave-one-file-out, never the file left out."""
    grid = [(c, pw) for c in cs for pw in powers]
    if len(grid) == 1:  # nothing to choose: the inner folds' fits would only cost time (5 of every 6 fits)
        return grid[0]
    err = {g: 0.0 for g in grid}
    for k in range(folds):
        held = [sf for i, sf in enumerate(files) if i % folds == k]
        train = [sf for i, sf in enumerate(files) if i % folds != k]
        if not held or not train:
            continue
        row, _ = fit_rows(train, row_c)
        fx, fy = _filing_examples(train, row)
        for c, pw in grid:
            model = Model(row, _fractional_logistic(fx, fy, c, FILING_SIGNALS, pw), {})
            err[c, pw] += sum((p.accuracy - p.confidence) ** 2 for p in in_sample(held, model))
    return min(grid, key=lambda g: (round(err[g], 9), g))


def file_confidence(model: Model, sf: SourceFile) -> float:
    """The lowest confidence of the file's filings, as `assess` sets it (0 when the file holds none)."""
    cap, points, row_cap = policy()
    confs = []
    for part in sf.parts:
        raw = model.filing(filing_signals(part.filing, part.evidence, row_confidences(model, part.filing, part.rows, row_cap)))
        confs.append(held(raw, doubt(part.filing, part.evidence, points), cap, part.evidence))
    return min(confs, default=0.0)


def _points(files: list[SourceFile], conf: dict[str, float]) -> list[Point]:
    return [Point(lab.name, lab.accuracy, conf[sf.name]) for sf in files for lab in sf.labels]


def fold_models(files: list[SourceFile], **kw) -> dict[str, Model]:
    """file name -> both models fitted without that file (its penalty chosen without it too)."""
    return {sf.name: fit([o for o in files if o is not sf], **kw) for sf in files}


def leave_one_file_out(files: list[SourceFile], models: dict[str, Model] | None = None, **kw) -> list[Point]:
    models = models or fold_models(files, **kw)
    return _points(files, {sf.name: file_confidence(models[sf.name], sf) for sf in files})


def in_sample(files: list[SourceFile], model: Model) -> list[Point]:
    return _points(files, {sf.name: file_confidence(model, sf) for sf in files})


@dataclass
class TrainResult:
    model: Model
    lofo: Calibration
    in_sample: Calibration
    seconds: float


def train(root: Path, out: Path | None = MODEL_FILE) -> TrainResult:
    """Refit from the repo's labelled real files, write the model file (unless out is None), measure."""
    t0 = time.perf_counter()
    files = load_corpus(root)
    model = fit(files)
    accept = load_settings().accept_confidence
    lofo = Calibration(tuple(leave_one_file_out(files)), accept)
    ins = Calibration(tuple(in_sample(files, model)), accept)
    meta = dict(model.meta)
    meta["lofo"] = {"auroc": round(lofo.auroc, 3), "mae": round(lofo.mae, 3), "accepted": len(lofo.accepted),
                    "accepted_accuracy": round(lofo.accepted_accuracy, 3)}
    model = Model(model.row, model.filing, meta)
    if out is not None:
        Path(out).write_text(model.to_json(), encoding="utf-8")
    return TrainResult(model, lofo, ins, time.perf_counter() - t0)
