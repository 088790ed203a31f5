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
