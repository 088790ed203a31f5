"""Re-submissions and removal: which version of a file is the current one.

A file is known by its name as ingested (`source_file`, the path relative to the folder given) and
by its bytes (`source_sha256`). A department that corrects a filing sends the file again:

- **same name, other bytes**: the new version replaces the current one. The older version's rows
  (filings, indicators, spending plan, sections) move to the `history_*` tables, its derived rows
  (findings, metrics, reasons, copy bands and clusters, year links, twins) are deleted, and
  `file_history` links it to the version that took its place. The current tables hold the current
  version only, so no count, mart, export or check can take a stale figure.
- **same bytes, other name**: the file is renamed (its filings keep their ids and rows); the old name
  is kept in `file_history`.
- **an older version's bytes again**: that version becomes current again (its rows are read anew, its
  history rows are dropped) and the version it replaces goes to history.

A name held by several current files (two different files ingested under one name in one run, e.g.
`jixiao ingest 甲 乙` with 报告.txt in each) does not say which one is corrected: the new file is loaded
beside them. `remove` takes a file out: its current rows, its derived rows and its older versions.

These functions run inside the caller's transaction (etl/pipeline.py's flush, `jixiao remove`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from etl.load.schema import HISTORY_TABLES

# derived rows keyed by filing: recomputed by the checks and the post-ingest refresh
DERIVED_BY_FILING = ("findings", "filing_metrics", "indicator_reasons", "reason_texts", "copy_bands", "copy_clusters",
                     "indicator_keys")
# derived rows that name a filing in two columns
DERIVED_BY_PAIR = (("filing_links", "filing_id", "prev_filing_id"), ("filing_twins", "filing_id", "structured_id"))

_IDS = "(SELECT unnest(?::VARCHAR[]))"  # a list of ids or names as a relation: a hash join, not a test per row


@dataclass
class Holder:
    """A current file: its bytes and how many filings it holds."""

    sha256: str
    filings: int


def current_names(con) -> dict[str, str]:
    """Every current file's bytes -> its name (what an ingest compares new files with)."""
    return dict(con.execute("SELECT source_sha256, source_file FROM source_files").fetchall())


def holders(con, names: list[str]) -> dict[str, list[Holder]]:
    """The current files under each of these names."""
    if not names:
        return {}
    out: dict[str, list[Holder]] = {}
    # names first (every flush of an ingest asks, and most find none); the filings counted only for those found
    # (IN over an unnested list is a hash join: 1.2 ms at 200k files, where list_contains scanned for 62 ms)
    found = con.execute(f"SELECT source_file, source_sha256 FROM source_files WHERE source_file IN {_IDS} "
                        "ORDER BY source_sha256", [names]).fetchall()
    if not found:
        return out
    counts = dict(con.execute(f"SELECT source_sha256, count(*) FROM filings WHERE source_sha256 IN {_IDS} "
                              "GROUP BY ALL", [[sha for _, sha in found]]).fetchall())
    for name, sha in found:
        out.setdefault(name, []).append(Holder(sha, int(counts.get(sha, 0))))
    return out


def in_history(con, shas: list[str]) -> set[str]:
    """Which of these bytes are an older, replaced version (sent again, they become current again)."""
    if not shas:
        return set()
    rows = con.execute("SELECT DISTINCT source_sha256 FROM file_history WHERE change = 'replaced' "
                       f"AND source_sha256 IN {_IDS}", [shas]).fetchall()
    return {r[0] for r in rows}


def _filing_ids(con, sha: str, table: str = "filings") -> list[str]:
    return [r[0] for r in con.execute(f"SELECT filing_id FROM {table} WHERE source_sha256 = ?", [sha]).fetchall()]


def _drop_derived(con, ids: list[str]) -> None:
    for table in DERIVED_BY_FILING:  # our own table names, not data
        con.execute(f"DELETE FROM {table} WHERE filing_id IN {_IDS}", [ids])
    for table, a, b in DERIVED_BY_PAIR:
        con.execute(f"DELETE FROM {table} WHERE {a} IN {_IDS} OR {b} IN {_IDS}", [ids, ids])


def _drop_read(con, ids: list[str], prefix: str = "") -> None:
    """The rows read from a file (filings last: the others are found by its ids)."""
    for table in reversed(HISTORY_TABLES):
        con.execute(f"DELETE FROM {prefix}{table} WHERE filing_id IN {_IDS}", [ids])


def retire(con, sha: str, by_name: str, by_sha: str, now: datetime) -> int:
    """Move the current version `sha` to history, replaced by the version (`by_name`, `by_sha`).
    Returns how many filings it held."""
    ids = _filing_ids(con, sha)
    con.execute("""
        INSERT INTO file_history BY NAME
        SELECT source_file, source_sha256, format, layout, size_bytes, ? AS filings, first_ingested_at,
               'replaced' AS change, ? AS replaced_by_file, ? AS replaced_by_sha256, ? AS current_sha256, ? AS replaced_at
        FROM source_files WHERE source_sha256 = ?""", [len(ids), by_name, by_sha, by_sha, now, sha])
    # the versions it had replaced follow it: their current version is now the new one
    con.execute("UPDATE file_history SET current_sha256 = ? WHERE current_sha256 = ?", [by_sha, sha])
    for table in HISTORY_TABLES:
        con.execute(f"INSERT INTO history_{table} BY NAME SELECT * FROM {table} WHERE filing_id IN {_IDS}", [ids])
    _drop_derived(con, ids)
    _drop_read(con, ids)
    con.execute("DELETE FROM source_files WHERE source_sha256 = ?", [sha])
    return len(ids)


def restore(con, sha: str) -> None:
    """Bytes of an older version sent again: its history rows go (the file is read anew and becomes current)."""
    _drop_read(con, _filing_ids(con, sha, "history_filings"), prefix="history_")
    con.execute("DELETE FROM file_history WHERE source_sha256 = ? AND change = 'replaced'", [sha])
    con.execute("DELETE FROM source_blobs WHERE source_sha256 = ?", [sha])  # kept while history; written again


def rename(con, sha: str, old: str, new: str, now: datetime) -> None:
    """The same bytes under a new name: the file and its filings take the new name; the old one is history."""
    con.execute("""
        INSERT INTO file_history BY NAME
        SELECT source_file, source_sha256, format, layout, size_bytes,
               (SELECT count(*) FROM filings WHERE source_sha256 = ?) AS filings, first_ingested_at,
               'renamed' AS change, ? AS replaced_by_file, source_sha256 AS replaced_by_sha256,
               source_sha256 AS current_sha256, ? AS replaced_at
        FROM source_files WHERE source_sha256 = ?""", [sha, new, now, sha])
    con.execute("UPDATE source_files SET source_file = ? WHERE source_sha256 = ?", [new, sha])
    con.execute("UPDATE filings SET source_file = ? WHERE source_sha256 = ?", [new, sha])
    # people's corrections of these bytes still hold (etl/review): they follow the file to its new name
    con.execute("UPDATE corrections SET source_file = ? WHERE source_sha256 = ?", [new, sha])


@dataclass
class Removed:
    name: str
    sha256: str
    filings: int
    versions: int  # older versions removed with it


def remove(con, name: str) -> list[Removed]:
    """Take the current file(s) named `name` out with every row of theirs and their older versions.
    Returns what was removed (empty: no current file has that name)."""
    out = []
    for h in holders(con, [name]).get(name, []):
        ids = _filing_ids(con, h.sha256)
        _drop_derived(con, ids)
        _drop_read(con, ids)
        con.execute("DELETE FROM source_files WHERE source_sha256 = ?", [h.sha256])
        con.execute("DELETE FROM source_blobs WHERE source_sha256 = ?", [h.sha256])
        old = [r[0] for r in con.execute("SELECT DISTINCT source_sha256 FROM file_history WHERE current_sha256 = ? "
                                         "AND change = 'replaced'", [h.sha256]).fetchall()]
        for sha in old:
            _drop_read(con, _filing_ids(con, sha, "history_filings"), prefix="history_")
            con.execute("DELETE FROM source_blobs WHERE source_sha256 = ?", [sha])
        con.execute("DELETE FROM file_history WHERE current_sha256 = ?", [h.sha256])
        # people's corrections of the file are kept (etl/review), flagged: the same bytes ingested again get them back
        con.execute(f"UPDATE corrections SET state = 'superseded', note = ? WHERE state = 'applied' "
                    f"AND source_sha256 IN {_IDS}", [f"源文件「{name}」已删除，此更正未用于任何现有数据", [h.sha256, *old]])
        out.append(Removed(name, h.sha256, len(ids), len(old)))
    return out
