"""The incremental refresh's own steps on made-up rows: each must give what the full computation gives.

tests/test_incremental.py holds a whole ingest equal to the full rebuild on a small corpus; here the
steps whose shortcuts only matter at scale get data that exercises those shortcuts (many id buckets,
ids that share a bucket with a new filing and ids that do not, the first and last rows of a severity).
"""
from __future__ import annotations

import random

import duckdb

from etl.marts import LIST_ORDER, _place_finding_rows

_COLS = "filing_id VARCHAR, indicator_seq INTEGER, rule VARCHAR, severity VARCHAR, message VARCHAR, evidence VARCHAR"
_KEY = "filing_id, indicator_seq, rule, severity, message, evidence"


def _rows(rnd: random.Random, ids: list[str]) -> list[tuple]:
    out = []
    for fid in ids:
        for k in range(rnd.randint(1, 4)):
            sev = rnd.choice(["error", "warning", "warning", "info", "info"])
            out.append((fid, rnd.choice([None, 1, 2, 3]), rnd.choice(["R1", "R2", "R3"]), sev, f"m{k}", rnd.choice(["", "e"])))
    return out


def _ids(rnd: random.Random, n: int) -> list[str]:
    # hex ids as etl/per_file.filing_id makes them, some sharing their first characters, and a few short ones
    ids = {f"{rnd.getrandbits(64):016x}-{rnd.randint(0, 2):02d}" for _ in range(n)}
    ids |= {f"{rnd.choice(sorted(ids))[:5]}{rnd.getrandbits(16):04x}-00" for _ in range(n // 5)}
    ids |= {"", "0", "ff", "zz"}
    return sorted(ids)


def test_new_findings_rows_take_the_full_builds_place_in_the_list():
    rnd = random.Random(23)
    con = duckdb.connect()
    ids = _ids(rnd, 400)
    rnd.shuffle(ids)
    old_ids, batches = ids[:250], [ids[250:260], ids[260:261], ids[261:330], ids[330:]]
    con.execute(f"CREATE TABLE mart_finding_rows ({_COLS}, list_order DOUBLE)")
    con.executemany(f"INSERT INTO mart_finding_rows VALUES ({', '.join('?' * 6)}, NULL)", _rows(rnd, old_ids))
    order = LIST_ORDER.format(x="t")
    con.execute(f"""UPDATE mart_finding_rows SET list_order = r.k FROM (SELECT rowid AS rid,
                    row_number() OVER (ORDER BY {order}) AS k FROM mart_finding_rows t) r
                    WHERE mart_finding_rows.rowid = r.rid""")
    for batch in batches:  # each ingest's filings put between the rows already there (and those of the earlier ones)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _new ({_COLS}, list_order DOUBLE)")
        new = _rows(rnd, batch)
        con.executemany(f"INSERT INTO _new VALUES ({', '.join('?' * 6)}, NULL)", new)
        con.execute(f"""UPDATE _new SET list_order = r.k FROM (SELECT rowid AS rid,
                        row_number() OVER (ORDER BY {order}) AS k FROM _new t) r WHERE _new.rowid = r.rid""")
        _place_finding_rows(con, "_new")
        got = con.execute(f"SELECT {_KEY} FROM mart_finding_rows ORDER BY list_order").fetchall()
        want = con.execute(f"SELECT {_KEY} FROM mart_finding_rows t ORDER BY {order}").fetchall()
        assert got == want
        assert con.execute("SELECT count(DISTINCT list_order) = count(*) FROM mart_finding_rows").fetchone()[0]
    assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_fr_%'").fetchone()[0]


def _band_db(rnd: random.Random) -> duckdb.DuckDBPyConnection:
    """copy_bands of made-up filings: chains of filings sharing a band (components of several sizes) and
    filings sharing none, and their filings rows (none superseded)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE filings (filing_id VARCHAR, superseded BOOLEAN)")
    con.execute("CREATE TABLE copy_bands (filing_id VARCHAR, band INTEGER, hash BIGINT)")
    rows, ids = [], [f"f{k:04d}" for k in range(300)]
    for fid in ids:
        rows += [(fid, b, rnd.getrandbits(62)) for b in range(4)]  # bands of its own
    for _ in range(120):  # a shared band links two filings
        a, b = rnd.sample(ids, 2)
        band, h = rnd.randrange(4), rnd.getrandbits(62)
        rows += [(a, band, h), (b, band, h)]
    con.executemany("INSERT INTO copy_bands VALUES (?, ?, ?)", rows)
    con.executemany("INSERT INTO filings VALUES (?, false)", [[x] for x in ids])
    return con


def _components(con, bands: str, scope: list[str]) -> list[list[str]]:
    from etl.copies import _ids_table, component_batches

    _ids_table(con, "_scope_ids", scope)
    return sorted(ids for ids in component_batches(con, 10_000_000, "_scope_ids", bands))


def test_the_copy_scopes_kept_bands_give_the_components_copy_bands_gives():
    from etl.copies import SCOPE_BANDS, copy_scope, forget_scope_bands, scope_bands

    rnd = random.Random(5)
    con = _band_db(rnd)
    for seeds in (["f0001"], ["f0002", "f0150", "f0299"], [f"f{k:04d}" for k in range(0, 300, 37)]):
        scope = copy_scope(con, seeds)
        assert set(seeds) <= set(scope)
        kept = sorted(con.execute(f"SELECT * FROM {SCOPE_BANDS}").fetchall())
        con.execute("CREATE OR REPLACE TEMP TABLE _scope_ids (filing_id VARCHAR)")
        con.executemany("INSERT INTO _scope_ids VALUES (?)", [[x] for x in scope])
        # the scope's own band rows, every one of them (no filing outside it shares a band with it)
        assert kept == sorted(con.execute("SELECT * FROM copy_bands WHERE filing_id IN (SELECT filing_id FROM _scope_ids)").fetchall())
        assert scope_bands(con, "_scope_ids") == SCOPE_BANDS
        assert _components(con, SCOPE_BANDS, scope) == _components(con, "copy_bands", scope)
        # another scope than the kept one's: read again from copy_bands
        con.execute("DELETE FROM _scope_ids WHERE filing_id = ?", [scope[0]])
        assert scope_bands(con, "_scope_ids") == SCOPE_BANDS
        assert sorted(con.execute(f"SELECT DISTINCT filing_id FROM {SCOPE_BANDS}").fetchall()) == sorted(
            con.execute("SELECT DISTINCT filing_id FROM copy_bands WHERE filing_id IN (SELECT filing_id FROM _scope_ids)").fetchall())
        forget_scope_bands(con)
