"""How far to trust a reading: parse_confidence from evidence, calibrated on labelled real filings.

    assess(doc, filings)     sets Filing.parse_confidence and every Indicator.parse_confidence

A filing's parse_confidence estimates the share of its fields (as etl/eval/score.py counts them: kind,
department, project, year, place, money block, totals, eight fields a row) that were read right; a row's
estimates the share of its eight fields. They come from evidence in the source and the reading
(etl/trust/signals.py: coverage, arithmetic, structure, the decoder's margins), combined by the models
fitted on the labelled real files (etl/trust/combine.py, model.json; refit with `jixiao train confidence`).

Runs in the one per-file step (etl/pipeline.py `analyse`), right after parsing, so the local engine and the
Ray lake path store the same values.
"""
from __future__ import annotations

from dataclasses import dataclass

from etl.check.settings import load_settings
from etl.normalise.script import strip_glosses
from etl.lexicon import lexicon
from etl.parse.vocab import is_level1, is_level2, level1_of
from etl.records import Document, Filing
from etl.trust.combine import Model, shipped_model
from etl.trust.signals import (
    ROW_FIELDS,
    TABLE_KINDS,
    Evidence,
    evidence,
    kinds_unread,
    filing_rows,
    sample_page,
    filing_signals,
    row_signals,
)


@dataclass
class Assessment:
    """One filing's evidence and the confidences drawn from it (kept for training and explaining)."""

    evidence: Evidence
    rows: list[dict[str, float]]  # row signals
    row_conf: list[float]
    signals: dict[str, float]  # filing signals
    model_conf: float  # the filing model's estimate, before the guarantees
    conf: float  # parse_confidence
    capped_by: str | None  # which guarantee held it below the accept threshold


def policy():
    s = load_settings()
    return s.doubt_cap, s.arithmetic_points, s.level_name_row_cap


def doubt(f: Filing, e: Evidence, arithmetic_points: float) -> str | None:
    """Why a reading may not be accepted whatever the model says, or None."""
    if f.doc_kind in TABLE_KINDS and not f.indicators:
        # where the source shows rows the reading lacks (figures, families, markers), a part was not read; where it
        # shows none (an excerpt that stops before its table), nothing is seen lost, but no table is taken as read
        # without its rows: held just below accept (held)
        return "zero_rows" if e.rows_expected > 0 else "rowless"
    if e.points_gap > arithmetic_points or e.money_gap > arithmetic_points:
        return "arithmetic"
    if e.kinds_unread:
        return "kinds_unread"
    if e.name_cut:
        # a department or project read as the tail of the longer name the source prints ('教育局' of '某县教育局'):
        # that field is wrong as read
        return "name_cut"
    if e.not_printed:
        # a target table's row holding an 实际完成值 or a 得分: the template prints neither, so the row took cells of
        # another part (a self-evaluation beside it, the 分值 column read twice) and those fields are wrong as read
        return "not_printed"
    if e.project_unread:
        # a project's table read without its project (the template prints 项目名称 first), or a report that
        # presents its project under a heading of its own ('一、项目基本情况') read without one: the field was
        # there and the reading lost it (or read a department's filing as a project's)
        return "project_unread"
    if e.names_split:
        # a row named by a clause of a sentence the source prints whole in one cell: the reading cut the cell at its
        # punctuation, and the name (with the rows made of the other clauses) is wrong as read
        return "names_split"
    if e.reason_unread:
        # a self-evaluation row whose own line ends with a cell of words under the reason column's header that the
        # reading left empty: the row's 偏差原因 is wrong as read
        return "reason_unread"
    if f.title and e.title_unread >= 1.0:
        # a report whose title names someone (its department, its project) the reading holds nothing of: a name
        # the title prints is a field the reading lost, so not every field can be right
        return "title_unread"
    return None


def held(raw: float, why: str | None, cap: float, e: Evidence | None = None) -> float:
    """The confidence a guarantee `why` leaves of the model's `raw`: at most `cap` (doubt_cap), a table whose source
    shows no rows either at most the settings' rowless_cap (just below accept); the model's own without one. A
    guarantee that names fields read wrong (lost_fields: a name cut, a project lost) leaves at most the share of the
    filing's other fields (e: its evidence), which for a report of a few fields is well below the cap."""
    if why is None:
        return raw
    if why == "rowless":
        return min(raw, load_settings().rowless_cap)
    lost = lost_fields(why, e) if e is not None else 0
    return min(raw, cap, 1.0 - lost / e.fields) if lost else min(raw, cap)


def lost_fields(why: str, e: Evidence) -> int:
    """How many of a filing's fields a guarantee `why` finds wrong as read: a cut name each (name_cut), the project
    (project_unread), a name the title prints (title_unread), a value the template does not print, one a row
    (not_printed), a printed reason left empty, one a row (reason_unread); 0 where the guarantee sees a doubt, not a
    counted wrong field (arithmetic, a part unread, rows lost: the rows the source suggests are an estimate)."""
    return {"name_cut": e.name_cut, "project_unread": e.project_unread, "title_unread": 1,
            "not_printed": e.not_printed, "reason_unread": e.reason_unread,
            "names_split": e.names_split}.get(why, 0)


def row_confidences(model: Model, f: Filing, sig: list[dict[str, float]], row_cap: float) -> list[float]:
    """The row model's confidence of each row, a row named by a level label held at `row_cap` at most."""
    return [min(model.row(s), row_cap) if _level_named(ind) else model.row(s) for s, ind in zip(sig, f.indicators)]


def _level_named(ind) -> bool:
    """A row whose name is a level label ('数量指标'): the decoder took a level cell for the indicator. Not so
    for a name of a family whose indicators bear their level-2 words, read under another level-2 of that family
    ('群众满意度' under '服务对象满意度指标'): the templates name them so."""
    if not ind.name or not (is_level1(ind.name) or is_level2(ind.name)):
        return False
    family = level1_of(ind.name)
    return not (family in lexicon().named_like_levels and ind.level2 and ind.level2 != ind.name
                and level1_of(ind.level2) == family)


def assess_filings(doc: Document, filings: list[Filing], model: Model | None = None) -> list[Assessment]:
    """The evidence and confidences of each filing of a document (only the decoder's margins are kept aside)."""
    model = model or shipped_model()
    cap, points, row_cap = policy()
    settings = load_settings()
    plain = strip_glosses(doc)
    spans = filing_rows(plain, filings)
    kinds = kinds_unread(plain.rows, filings)
    sample = sample_page(plain.rows)
    out = []
    for f, rows in zip(filings, spans):
        for ind in f.indicators:
            if ind.decoder_margin is None:  # keep the parser's margin: parse_confidence is about to change
                ind.decoder_margin = ind.parse_confidence
        sig = row_signals(f, rows)
        row_conf = row_confidences(model, f, sig, row_cap)
        e = evidence(f, rows, filings, kinds=kinds, project_ratio=settings.project_report_ratio, sample=sample)
        fs = filing_signals(f, e, row_conf)
        raw = model.filing(fs)
        why = doubt(f, e, points)
        conf = held(raw, why, cap, e)
        out.append(Assessment(e, sig, row_conf, fs, raw, conf, why))
    return out


FAILED_NOTE = "解析置信度未能评估（{error}），按 0 计，请人工核对"


def assess(doc: Document, filings: list[Filing], model: Model | None = None) -> list[Assessment]:
    """Set parse_confidence on every filing and row from the evidence (rounded to 0.001).

    Never raises: when the assessment fails (a bug, a model file that does not match the code), each
    filing gets confidence 0 and a note saying why, so it is reviewed rather than trusted or lost."""
    try:
        found = assess_filings(doc, filings, model)
    except Exception as exc:  # the filings are still good data; only their trust is unknown
        for f in filings:
            f.parse_confidence = 0.0
            f.parse_notes = f.parse_notes + [FAILED_NOTE.format(error=f"{type(exc).__name__}: {exc}")]
        return []
    for f, a in zip(filings, found):
        f.parse_confidence = round(a.conf, 3)
        for ind, c in zip(f.indicators, a.row_conf):
            ind.parse_confidence = round(c, 3)
    return found


__all__ = ["assess", "assess_filings", "Assessment", "ROW_FIELDS"]
