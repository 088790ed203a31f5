"""The review queue's queries (复核队列) and what the review and filing pages show of corrections.

Functions over the queries of the database (`queries.connect(db)`), like explorer.py: the queue
reads mart_facts where the file has it and the same rows computed from the base tables where it
has not. The queue ranks filings by (1 - parse_confidence) x money at stake; a filing is reviewed
once a person confirmed it as a whole. Values travel as parameters; the only text spliced into
SQL is ours.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.filtering import Filters
from dashboard.queries.base import FileQueries, where
from etl.check.settings import load_settings
from etl.measures import unverified_sql

REVIEWED_STATES = ("applied", "superseded")  # corrections that are part of their bytes' reading (etl/review)
REVIEW_STATES = {"all": "全部", "todo": "未复核", "done": "已复核"}


def bands() -> list[tuple[str, float | None, float | None]]:
    """Confidence bands of the settings ([review] bands): (label, lower bound, upper bound), and unknown."""
    cuts = [float(x) for x in load_settings().review("bands", [0.5, 0.9, 0.95])]
    out = [(f"< {cuts[0]:g}", None, cuts[0])]
    out += [(f"{a:g} – {b:g}", a, b) for a, b in zip(cuts, cuts[1:])]
    out.append((f"≥ {cuts[-1]:g}", cuts[-1], None))
    return out + [("未知", None, None)]


def threshold() -> float:
    return load_settings().review_threshold


def money_floor() -> float:
    return float(load_settings().review("money_floor", 10.0))


def has_table(qs: FileQueries, name: str) -> bool:
    return bool(qs.run("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [name])["n"].iloc[0])


def _reviews(qs: FileQueries) -> str:
    """One row per filing someone corrected: reviewed (confirmed as a whole), corrections, last reviewer and time."""
    if not has_table(qs, "corrections"):
        return ("(SELECT NULL::VARCHAR AS filing_id, false AS reviewed, 0 AS corrections, NULL::VARCHAR AS reviewer, "
                "NULL::TIMESTAMP AS corrected_at WHERE false)")
    return f"""(SELECT filing_id, bool_or(kind = 'confirm' AND row_key IS NULL) AS reviewed,
                       count(*) FILTER (WHERE kind <> 'confirm') AS corrections,
                       arg_max(reviewer, seq) AS reviewer, max(corrected_at) AS corrected_at
                FROM corrections WHERE state IN ('{"', '".join(REVIEWED_STATES)}') GROUP BY filing_id)"""


@dataclass(frozen=True)
class QueueFilter:
    band: str | None = None  # a label of bands()
    state: str = "todo"  # a key of REVIEW_STATES


def _conds(qs: FileQueries, f: Filters, q: QueueFilter) -> tuple[str, list]:
    cond, params = where(f)
    conds = [cond]
    for label, lo, hi in bands():
        if q.band != label:
            continue
        if label == "未知":
            conds.append("f.parse_confidence IS NULL")
        if lo is not None:
            conds.append("f.parse_confidence >= ?")
            params.append(lo)
        if hi is not None:
            conds.append("f.parse_confidence < ?")
            params.append(hi)
    if q.state == "todo":
        conds.append("NOT coalesce(r.reviewed, false)")
    elif q.state == "done":
        conds.append("coalesce(r.reviewed, false)")
    return " AND ".join(conds), params


PRIORITY = "(1 - coalesce(f.parse_confidence, 0)) * greatest(coalesce(f.budget_adjusted, f.budget_executed, 0), ?)"


def queue(qs: FileQueries, f: Filters, q: QueueFilter, limit: int = 200) -> pd.DataFrame:
    """The filings to review, most at stake first: (1 - confidence) x money (万元, at least [review] money_floor)."""
    cond, params = _conds(qs, f, q)
    return qs.run(f"""
        SELECT f.filing_id, f.place, f.department, coalesce(f.project, f.title) AS project, f.year, f.doc_kind,
               f.parse_confidence AS confidence, coalesce(f.budget_adjusted, f.budget_executed) AS money,
               {PRIORITY} AS priority, coalesce(f.finding_count, 0) AS finding_count,
               coalesce(r.reviewed, false) AS reviewed, coalesce(r.corrections, 0) AS corrections, r.reviewer
        {qs.facts()} LEFT JOIN {_reviews(qs)} r ON r.filing_id = f.filing_id
        WHERE {cond}
        ORDER BY priority DESC, f.filing_id LIMIT ?
    """, [money_floor()] + params + [int(limit)])


def counts(qs: FileQueries, f: Filters, q: QueueFilter) -> dict:
    """Within the sidebar's filters and the band: filings, reviewed, and what remains (not reviewed and
    below the review threshold, the ones whose findings are still 待核实)."""
    cond, params = _conds(qs, f, QueueFilter(band=q.band, state="all"))
    df = qs.run(f"""
        SELECT count(*) AS filings, count(*) FILTER (WHERE coalesce(r.reviewed, false)) AS reviewed,
               count(*) FILTER (WHERE NOT coalesce(r.reviewed, false)
                                  AND coalesce(f.parse_confidence, 0) < ?) AS remaining,
               count(*) FILTER (WHERE NOT coalesce(r.reviewed, false)) AS unreviewed,
               sum(CASE WHEN NOT coalesce(r.reviewed, false) AND coalesce(f.parse_confidence, 0) < ?
                        THEN coalesce(f.budget_adjusted, f.budget_executed) END) AS remaining_money
        {qs.facts()} LEFT JOIN {_reviews(qs)} r ON r.filing_id = f.filing_id
        WHERE {cond}
    """, [threshold(), threshold()] + params)
    return {k: (0 if pd.isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


# ------------------------------------------------------------------ one filing under review

def review_rows(qs: FileQueries, filing_id: str) -> pd.DataFrame:
    """The filing's indicator rows with everything the side by side needs (values, measures, provenance, confidence)."""
    ind, ip = qs.one("indicators", filing_id)
    return qs.run(f"""
        SELECT i.seq, i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.reason,
               i.target_num, i.actual_num, i.parse_confidence, i.src_where, i.src_page, i.src_sheet, i.src_table,
               i.src_row, i.src_line_start, i.src_line_end
        FROM {ind} i ORDER BY i.seq
    """, ip)


def file_filings(qs: FileQueries, sha256: str) -> pd.DataFrame:
    """Every filing read from one file (by content hash), with its provenance: where each part starts."""
    return qs.run("""
        SELECT * FROM filings WHERE source_sha256 = ? ORDER BY part_index
    """, [sha256])


def source_copy(qs: FileQueries, sha256: str) -> tuple[str, bytes] | None:
    """(codec, compressed bytes) of the kept copy of a file, or None (not kept, or an older database)."""
    if not has_table(qs, "source_blobs"):
        return None
    df = qs.run("SELECT codec, data FROM source_blobs WHERE source_sha256 = ?", [sha256])
    return None if df.empty else (str(df["codec"].iloc[0]), bytes(df["data"].iloc[0]))


def corrections_of(qs: FileQueries, filing_id: str) -> pd.DataFrame:
    """Every correction of the filing, oldest first (with its state: applied, superseded, stale)."""
    if not has_table(qs, "corrections"):
        return pd.DataFrame(columns=["seq", "kind", "row_key", "row_name", "field", "old_value", "new_value",
                                     "reviewer", "corrected_at", "reason", "state", "note"])
    return qs.run("""
        SELECT seq, kind, row_key, row_name, field, old_value, new_value, reviewer, corrected_at, reason, state, note
        FROM corrections WHERE filing_id = ? ORDER BY seq
    """, [filing_id])


def earlier_versions(qs: FileQueries, source_file: str, sha256: str) -> pd.DataFrame:
    """Corrections made to other bytes of a file of the same name (an earlier version): flagged, not applied here."""
    if not has_table(qs, "corrections"):
        return pd.DataFrame()
    return qs.run("""
        SELECT filing_id, part_index, kind, row_key, row_name, field, old_value, new_value, reviewer, corrected_at,
               reason, state, note
        FROM corrections WHERE source_file = ? AND source_sha256 <> ? ORDER BY seq
    """, [source_file, sha256])


def stale_corrections(qs: FileQueries, limit: int = 500) -> pd.DataFrame:
    """Corrections that no longer hold for the newest reading: their file changed, or a re-read lost their row."""
    if not has_table(qs, "corrections"):
        return pd.DataFrame()
    return qs.run("""
        SELECT filing_id, source_file, kind, row_key, row_name, field, old_value, new_value, reviewer, corrected_at,
               reason, state, note
        FROM corrections WHERE state IN ('stale', 'superseded') ORDER BY seq DESC LIMIT ?
    """, [int(limit)])


def marked(qs: FileQueries, limit: int = 500) -> pd.DataFrame:
    """Filings marked 非绩效文件 or 无法识别 (they left the figures; the mark stays here)."""
    if not has_table(qs, "corrections"):
        return pd.DataFrame()
    return qs.run("""
        SELECT filing_id, source_file, new_value AS mark, reviewer, corrected_at, reason
        FROM corrections WHERE kind = 'mark' AND state IN ('applied', 'superseded') ORDER BY seq DESC LIMIT ?
    """, [int(limit)])


def unverified_counts(qs: FileQueries, f: Filters) -> dict:
    """All findings within the filters, and of them the 待核实 ones (on rows read with little confidence)."""
    cond, params = where(f)
    if qs.has_marts and qs.has_column("mart_findings", "unverified_n"):  # marts of this version
        df = qs.run(f"""SELECT coalesce(sum(f.n), 0) AS findings, coalesce(sum(f.unverified_n), 0) AS unverified
                        FROM mart_findings f WHERE {cond}""", params)
    else:
        df = qs.run(f"""
            SELECT count(*) AS findings, count(*) FILTER (WHERE {unverified_sql()}) AS unverified
            FROM findings x JOIN filings f ON f.filing_id = x.filing_id
            LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
            WHERE {cond}""", params)
    return {k: int(v or 0) for k, v in df.iloc[0].to_dict().items()}
