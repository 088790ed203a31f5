"""Re-run the checks over a whole database (derived tables only; what was read stays).

Used by `jixiao check` after rules or settings change, and after every ingest
for the cross-filing copy clusters, which depend on all filings at once.
"""
from __future__ import annotations

from pathlib import Path

from etl import check
from etl.load import store
from etl.load.readback import read_filings
from etl.load.schema import fill_reason_texts
from etl.marts import build_marts
from etl.records import Filing, Indicator


def recheck(db_path: Path | str, settings_path: str | None = None) -> tuple[int, int]:
    """Recompute findings, metrics, reason categories and copy clusters. Returns (filings, findings)."""
    settings = check.load_settings(settings_path)
    with store.writer(db_path) as con:
        filings = read_filings(con)
        findings, metrics, reasons = [], [], []
        for f in filings:
            found = check.run_checks(f, settings)
            for x in found:
                x.filing_id = f.filing_id
            findings.extend(found)
            m = check.filing_metrics(f, found, settings)
            m["filing_id"] = f.filing_id
            metrics.append(m)
            for ind in f.indicators:
                cat = check.classify_reason(ind.reason)
                if cat:
                    reasons.append((f.filing_id, ind.seq, cat))
        clusters, copies = check.copy_analysis(filings, settings)
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("findings", "filing_metrics", "indicator_reasons", "copy_clusters"):
                con.execute(f"DELETE FROM {table}")  # our own table names, not data
            fill_reason_texts(con)  # databases made before the table existed get it filled here
            store.write_derived(con, findings + copies, metrics, reasons)
            _write_clusters(con, clusters)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        build_marts(con)
    return len(filings), len(findings) + len(copies)


def _copy_inputs(con) -> list[Filing]:
    """Just what the copy comparison reads (who, when, which indicators): one query,
    a fraction of a full read-back on a large database."""
    rows = con.execute("""
        SELECT f.filing_id, f.source_file, f.doc_kind, f.department, f.year, f.project,
               list(i.name ORDER BY i.seq) FILTER (WHERE i.seq IS NOT NULL),
               list(i.target ORDER BY i.seq) FILTER (WHERE i.seq IS NOT NULL)
        FROM filings f LEFT JOIN indicators i ON i.filing_id = f.filing_id
        GROUP BY ALL ORDER BY f.filing_id
    """).fetchall()
    return [
        Filing(doc_kind=kind, filing_id=fid, source_file=src, department=dept, year=year, project=project,
               indicators=[Indicator(seq=k + 1, name=n, target=t) for k, (n, t) in enumerate(zip(names or [], targets or []))])
        for fid, src, kind, dept, year, project, names, targets in rows
    ]


def refresh_copies(db_path: Path | str, settings_path: str | None = None) -> int:
    """Only the cross-filing part: copy clusters and their findings (after an ingest)."""
    settings = check.load_settings(settings_path)
    with store.writer(db_path) as con:
        filings = _copy_inputs(con)
        clusters, copies = check.copy_analysis(filings, settings)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM findings WHERE family = 'copying'")
            con.execute("DELETE FROM copy_clusters")
            store.write_derived(con, copies, [], [])
            _write_clusters(con, clusters)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return len(clusters)


def _write_clusters(con, clusters) -> None:
    rows = [[k + 1, fid, sim] for k, members in enumerate(clusters) for fid, sim in members]
    if rows:
        con.executemany("INSERT INTO copy_clusters VALUES (?, ?, ?)", rows)
