"""Re-run the checks over a whole database (derived tables only; what was read stays).

Used by `jixiao check` after rules or settings change, and after every ingest
for the cross-filing copy clusters, which depend on all filings at once.
"""
from __future__ import annotations

from pathlib import Path

from etl import check
from etl.check.rules_soft import iter_soft_findings
from etl.check.series_index import SeriesIndex
from etl.copies import copy_inputs as inputs_of
from etl.copies import refresh_copies_scoped
from etl.link.tables import build_indices, insert_frame, write_findings, write_keys_and_links
from etl.load import store
from etl.load.readback import read_filings, stored_measure
from etl.load.schema import fill_reason_texts
from etl.marts import MARTS_PENDING, build_marts
from etl.measures import fold_key
from etl.records import Filing, Indicator, Loc, many_records
from etl.review.ledger import flag_changed_files
from etl.structured.twins import twin_rows


def recheck(db_path: Path | str, settings_path: str | None = None) -> tuple[int, int]:
    """Recompute findings, metrics, reason categories and copy clusters. Returns (filings, findings)."""
    settings = check.load_settings(settings_path)
    with store.writer(db_path) as con:
        store.set_meta(con, MARTS_PENDING, "check")  # cleared when the marts are rebuilt below
        # the stored rows are the corrected reading (etl/review): checked as they stand; corrections of
        # files that came in again with other bytes are flagged here too
        flag_changed_files(con)
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
        # structured imports against their published twins first: the superseded copies are left out of the
        # cross-filing comparisons (copies, series), as after an ingest (etl/structured/twins.py)
        twins, twin_table, superseded = twin_rows(filings, settings)
        gone = set(superseded)
        shown = [f for f in filings if f.filing_id not in gone]
        bands = [list(b) for f in filings for b in check.filing_bands(f, settings)]
        series = SeriesIndex(shown, settings)
        soft = check.soft_findings(shown, settings, series)
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("findings", "filing_metrics", "indicator_reasons", "copy_clusters", "copy_bands", "filing_twins"):
                con.execute(f"DELETE FROM {table}")  # our own table names, not data
            con.execute("UPDATE filings SET superseded = FALSE WHERE superseded")
            insert_frame(con, "filing_twins", ["filing_id", "structured_id", "match", "differences"], twin_table)
            con.execute("UPDATE filings SET superseded = TRUE WHERE filing_id IN (SELECT filing_id FROM filing_twins)")
            write_findings(con, twins)
            store.insert_rows(con, {"copy_bands": bands})  # in the current settings' band geometry
            fill_reason_texts(con)  # databases made before the table existed get it filled here
            store.write_derived(con, findings, metrics, reasons)
            # copy clusters from the bands just written, a component at a time (etl/copies.py)
            refresh_copies_scoped(con, settings, None)
            copies = con.execute("SELECT count(*) FROM findings WHERE family = 'copying'").fetchone()[0]
            write_findings(con, soft)
            write_keys_and_links(con, shown, series)
            build_indices(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        with store.rebuild_memory(con):  # every mart at once
            build_marts(con)  # after the findings they sum are rewritten
    return len(filings), len(findings) + copies + len(soft)


def copy_inputs(con) -> list[Filing]:
    """What the copy comparison reads of every filing at once (the lake's refresh; the local engine's
    goes a component at a time, etl/copies.py)."""
    return inputs_of(con, "(SELECT filing_id FROM filings)")


def write_clusters(con, clusters) -> None:
    rows = [[k + 1, fid, sim] for k, members in enumerate(clusters) for fid, sim in members]
    if rows:
        con.executemany("INSERT INTO copy_clusters VALUES (?, ?, ?)", rows)


def refresh_copies(db_path: Path | str, settings_path: str | None = None) -> int:
    """Only the cross-filing part: copy clusters and their findings (after an ingest)."""
    with store.writer(db_path) as con:
        return refresh_copies_in(con, settings_path)


def refresh_copies_in(con, settings_path: str | None = None) -> int:
    """refresh_copies on an open writer connection (the ingest runs its refreshes on one): every
    component of the band-sharing graph compared, a batch at a time (etl/copies.py)."""
    settings = check.load_settings(settings_path)
    con.execute("BEGIN TRANSACTION")
    try:
        refresh_copies_scoped(con, settings, None)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute("SELECT count(DISTINCT cluster_id) FROM copy_clusters").fetchone()[0]


# --------------------------------------------------------------- soft targets and cross-year links

def soft_rule_ids() -> list[str]:
    return [r.id for r in check.REGISTRY.values() if r.scope == "corpus" and r.family == "soft"]


def province_groups(con) -> list[list[str | None]]:
    """The provinces as stored, grouped by folded name (a traditional-script spelling is the same province).

    The cross-year and peer rules never compare filings of two groups: a series is one
    province's department (etl/link/series.py) and peers share a province. So they run
    one group at a time, holding one province's filings in memory, not the country's.
    """
    groups: dict[str, list[str | None]] = {}
    for (prov,) in con.execute("SELECT DISTINCT province FROM filings ORDER BY province NULLS FIRST").fetchall():
        groups.setdefault(fold_key(prov), []).append(prov)
    return list(groups.values())


def in_provinces(provinces: list[str | None]) -> tuple[str, list]:
    known = [p for p in provinces if p is not None]
    conds = [f"province IN ({', '.join('?' * len(known))})"] if known else []
    conds += ["province IS NULL"] if None in provinces else []
    return "(" + " OR ".join(conds or ["FALSE"]) + ")", known


def table_indicators(con, cond: str, params: list) -> tuple[str, list]:
    """The indicator rows of the filings matching `cond` (a relation and its parameters), from the
    indicators table; over a lake, etl/lake/attach.py's partition_indicators reads their partitions only."""
    return f"(SELECT * FROM indicators WHERE filing_id IN (SELECT filing_id FROM filings WHERE {cond}))", params


def _soft_inputs(con, provinces: list[str | None], rows_of=table_indicators, chunk: int = 50_000) -> list[Filing]:
    """What the cross-year and peer rules read (who, where, when, which indicator rows with their
    measures and provenance) of the filings of `provinces`, the rows fetched in chunks: no copy of
    the whole table in between."""
    cond, params = in_provinces(provinces)
    return soft_inputs_where(con, cond, params, rows_of, chunk)


def soft_inputs_where(con, cond: str, params: list, rows_of=table_indicators, chunk: int = 50_000) -> list[Filing]:
    """_soft_inputs of the filings matching `cond` (over filings), in filing order, their rows in seq
    order; `rows_of(con, cond, params)` gives the indicator rows to read (all of theirs, or some)."""
    filings: dict[str, Filing] = {}
    for fid, src, kind, prov, city, county, dept, year, project, code in con.execute(f"""
            SELECT filing_id, source_file, doc_kind, province, city, county, department, year, project, project_code
            FROM filings WHERE {cond} AND superseded IS NOT TRUE ORDER BY filing_id""", params).fetchall():
        filings[fid] = Filing(doc_kind=kind, filing_id=fid, source_file=src, province=prov, city=city, county=county,
                              department=dept, year=year, project=project, project_code=code)
    rows_sql, rows_params = rows_of(con, cond, params)
    cur = con.execute(f"""
        SELECT filing_id, seq, level1, level2, name, target, actual, target_op, target_num, target_unit,
               actual_op, actual_num, actual_unit, src_page, src_sheet, src_table, src_row, src_line_start, src_line_end
        FROM {rows_sql} i ORDER BY filing_id, seq""", rows_params)
    while rows := cur.fetchmany(chunk):
        for (fid, seq, l1, l2, name, target, actual, t_op, t_num, t_unit, a_op, a_num, a_unit,
             page, sheet, table, row, line0, line1) in rows:
            f = filings.get(fid)
            if f is not None:
                f.indicators.append(Indicator(
                    seq=seq, level1=l1, level2=l2, name=name, target=target, actual=actual,
                    target_m=stored_measure(t_op, t_num, t_unit, target), actual_m=stored_measure(a_op, a_num, a_unit, actual),
                    loc=Loc(page=page, sheet=sheet, table=table, row=row, line_start=line0, line_end=line1)))
    return list(filings.values())


def write_soft(con, read_con, settings, rows_of=table_indicators, groups: list[list[str | None]] | None = None) -> int:
    """The soft-target findings, indicator keys and links, one province group at a time (see
    province_groups; `groups`: only those): filings are read from `read_con`, rows written to `con` (the
    same connection locally; over a lake, the views' schema and the tables' one, indicator rows by
    `rows_of`). Returns the findings written."""
    n = 0
    for provinces in (province_groups(read_con) if groups is None else groups):
        with many_records():  # a province's indicator rows read back, keyed and compared
            filings = _soft_inputs(read_con, provinces, rows_of)
            series = SeriesIndex(filings, settings)
            n += write_findings(con, iter_soft_findings(filings, settings, series))
            write_keys_and_links(con, filings, series, replace=False)
    return n


def refresh_soft(db_path: Path | str, settings_path: str | None = None) -> int:
    """Only the cross-year part (after an ingest): indicator keys, links between years, the soft-target
    findings of the corpus rules and the indices. Returns the number of those findings."""
    with store.writer(db_path) as con:
        return refresh_soft_in(con, settings_path)


def refresh_soft_in(con, settings_path: str | None = None) -> int:
    """refresh_soft on an open writer connection."""
    settings = check.load_settings(settings_path)
    ids = soft_rule_ids()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM findings WHERE rule IN ({', '.join('?' * len(ids))})", ids)
        con.execute("DELETE FROM indicator_keys")
        con.execute("DELETE FROM filing_links")
        n = write_soft(con, con, settings)
        build_indices(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return n
