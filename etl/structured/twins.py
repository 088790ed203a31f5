"""Structured imports against published documents of the same project: shown once, differences reported.

After every ingest (and `jixiao check`) the pairs are found again over the whole database
(etl/check/rules_twins.py says what a pair is): `filing_twins` holds one row per published filing
that has a structured twin, `filings.superseded` marks those published filings (every dashboard
count, list and mart leaves them out: the project is shown once, with the exported values), and the
TWIN_DIFFERS finding on the structured filing lists what the published copy prints differently.
Like the copy clusters and the cross-year links, these are derived: rebuilt whole each time.
"""
from __future__ import annotations

from etl.check.rules_twins import pairs, twin_findings
from etl.records import Filing

_LIGHT = """SELECT filing_id, source_file, doc_kind, department, project, project_code, year, source_kind
            FROM filings WHERE {cond}"""


def twin_rows(filings: list[Filing], settings=None) -> tuple[list, list[list], list[str]]:
    """(TWIN_DIFFERS findings, filing_twins rows, ids of the superseded published filings) over in-memory filings."""
    found = twin_findings(filings, settings)
    n_diff = {x.filing_id: len((x.evidence or "").splitlines()) for x in found}
    rows, superseded = [], []
    for si, di, how in pairs(filings):
        s, d = filings[si], filings[di]
        rows.append([d.filing_id, s.filing_id, how, n_diff.get(s.filing_id, 0)])
        superseded.append(d.filing_id)
    return found, rows, superseded


def _light(con, cond: str, params: list) -> list[Filing]:
    return [Filing(doc_kind=kind, filing_id=fid, source_file=src, department=dept, project=project,
                   project_code=code, year=year, source_kind=sk or "document")
            for fid, src, kind, dept, project, code, year, sk in con.execute(_LIGHT.format(cond=cond), params).fetchall()]


def refresh_twins_in(con, settings=None) -> int:
    """Rebuild filing_twins, filings.superseded and the TWIN_DIFFERS findings over the database on `con`
    (one transaction). Returns the number of published filings superseded."""
    from etl.load.readback import read_filings
    from etl.link.tables import insert_frame, write_findings

    structured = _light(con, "source_kind = 'structured'", [])
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM findings WHERE rule = 'TWIN_DIFFERS'")
        con.execute("DELETE FROM filing_twins")
        con.execute("UPDATE filings SET superseded = FALSE WHERE superseded")
        superseded: list[str] = []
        if structured:
            years = sorted({f.year for f in structured if f.year is not None})
            docs = _light(con, f"source_kind IS DISTINCT FROM 'structured' AND year IN ({', '.join('?' * len(years))})",
                          years) if years else []
            light = structured + docs
            ids = sorted({light[i].filing_id for p in pairs(light) for i in p[:2]})
            if ids:
                full = read_filings(con, ids)
                found, rows, superseded = twin_rows(full, settings)
                write_findings(con, found)
                insert_frame(con, "filing_twins", ["filing_id", "structured_id", "match", "differences"], rows)
                con.execute("UPDATE filings SET superseded = TRUE WHERE filing_id IN (SELECT filing_id FROM filing_twins)")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(superseded)
