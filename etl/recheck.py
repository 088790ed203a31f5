"""Re-run the checks over a whole database (derived tables only; what was read stays).

Used by `jixiao check` after rules or settings change, and after every ingest
for the cross-filing copy clusters, which depend on all filings at once.
"""
from __future__ import annotations

from pathlib import Path

from etl import check
from etl.check.series_index import SeriesIndex
from etl.link.tables import build_indices, write_findings, write_keys_and_links
from etl.load import store
from etl.load.readback import _loc, _measure, read_filings
from etl.load.schema import fill_reason_texts
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
        series = SeriesIndex(filings, settings)
        soft = check.soft_findings(filings, settings, series)
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("findings", "filing_metrics", "indicator_reasons", "copy_clusters"):
                con.execute(f"DELETE FROM {table}")  # our own table names, not data
            fill_reason_texts(con)  # databases made before the table existed get it filled here
            store.write_derived(con, findings + copies, metrics, reasons)
            _write_clusters(con, clusters)
            write_findings(con, soft)
            write_keys_and_links(con, filings, series)
            build_indices(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return len(filings), len(findings) + len(copies) + len(soft)


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


# --------------------------------------------------------------- soft targets and cross-year links

def _soft_rule_ids() -> list[str]:
    return [r.id for r in check.REGISTRY.values() if r.scope == "corpus" and r.family == "soft"]


def _soft_inputs(con) -> list[Filing]:
    """What the cross-year and peer rules read (who, where, when, which indicator rows with their
    measures and provenance): one query, lighter than a full read-back."""
    rows = con.execute("""
        SELECT f.filing_id, f.source_file, f.doc_kind, f.province, f.city, f.county, f.department, f.year,
               f.project, f.project_code,
               list({'seq': i.seq, 'level1': i.level1, 'level2': i.level2, 'name': i.name, 'target': i.target,
                     'actual': i.actual, 'target_op': i.target_op, 'target_num': i.target_num,
                     'target_unit': i.target_unit, 'actual_op': i.actual_op, 'actual_num': i.actual_num,
                     'actual_unit': i.actual_unit, 'src_page': i.src_page, 'src_sheet': i.src_sheet,
                     'src_table': i.src_table, 'src_row': i.src_row, 'src_line_start': i.src_line_start,
                     'src_line_end': i.src_line_end} ORDER BY i.seq) FILTER (WHERE i.seq IS NOT NULL)
        FROM filings f LEFT JOIN indicators i ON i.filing_id = f.filing_id
        GROUP BY ALL ORDER BY f.filing_id
    """).fetchall()
    out = []
    for fid, src, kind, prov, city, county, dept, year, project, code, inds in rows:
        out.append(Filing(
            doc_kind=kind, filing_id=fid, source_file=src, province=prov, city=city, county=county, department=dept,
            year=year, project=project, project_code=code,
            indicators=[Indicator(seq=r["seq"], level1=r["level1"], level2=r["level2"], name=r["name"],
                                  target=r["target"], actual=r["actual"],
                                  target_m=_measure(r["target_op"], r["target_num"], r["target_unit"], r["target"]),
                                  actual_m=_measure(r["actual_op"], r["actual_num"], r["actual_unit"], r["actual"]),
                                  loc=_loc(r)) for r in inds or []]))
    return out


def refresh_soft(db_path: Path | str, settings_path: str | None = None) -> int:
    """Only the cross-year part (after an ingest): indicator keys, links between years, the soft-target
    findings of the corpus rules and the indices. Returns the number of those findings."""
    settings = check.load_settings(settings_path)
    with store.writer(db_path) as con:
        filings = _soft_inputs(con)
        series = SeriesIndex(filings, settings)
        soft = check.soft_findings(filings, settings, series)
        ids = _soft_rule_ids()
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM findings WHERE rule IN ({', '.join('?' * len(ids))})", ids)
            write_findings(con, soft)
            write_keys_and_links(con, filings, series)
            build_indices(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return len(soft)
