"""The derived tables after filings were added or removed: only what those filings touch.

The cross-filing tables and the marts were rebuilt whole after every ingest; on a large database
that is most of the cost of adding one file. Here each is recomputed over the part that the
changed filings can reach, which gives the same rows as the full rebuild (tests/test_incremental.py):

- structured twins: over the database as before (cheap: structured imports and the published
  filings of their years); a filing whose `superseded` flag flipped joins the changed filings;
- copy clusters: the components of the band-sharing graph holding a changed filing
  (etl/copies.py), compared again; the clusters are then renumbered over the whole table;
- cross-year links, indicator keys and cross-year findings: the departments of the changed filings
  (a series never leaves one); peer findings: the peer groups (indicator key, unit, year, province)
  their rows are or were in, the other departments' rows read from the stored keys; soft_indices: the
  places whose filings changed (etl/soft_scope.py);
- marts: the rows of the changed filings, of every filing whose findings changed above, and of
  the groups (province × city × county × year × kind × department) they are or were in
  (etl/marts.refresh_marts).

`affected_keys` reads what a set of filings touches while they are in the database: after an
ingest added them, or before a removal or a replacement takes them out (the caller deletes, then
passes the keys to `refresh_incremental`). `jixiao check --full` rebuilds everything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from etl import check
from etl.copies import copy_scope, refresh_copies_scoped
from etl.link.tables import insert_frame
from etl.load.store import rebuild_memory
from etl.marts import GROUP_COLS, build_marts, refresh_marts
from etl.measures import fold_key
from etl.recheck import in_provinces, province_groups, refresh_copies_in, refresh_soft_in, soft_rule_ids, write_soft
from etl.soft_scope import build_indices_of_places, places_of, refresh_soft_group
from etl.structured.twins import refresh_twins_in


@dataclass
class Affected:
    """What a set of changed filings touches, read while they were in the database."""

    filing_ids: set[str] = field(default_factory=set)
    groups: set[tuple] = field(default_factory=set)  # their marts' groups (GROUP_COLS)
    provinces: set[str | None] = field(default_factory=set)  # as stored
    copy_scope: list[str] | None = field(default_factory=list)  # whole band components; None: all
    # the peer groups (province as stored, key, unit, year) of their stored indicator keys: a removed
    # filing's rows are gone when the refresh runs, its peers' findings may change (etl/soft_scope.py)
    peer_keys: set[tuple] = field(default_factory=set)
    places: set[tuple] = field(default_factory=set)  # (province, city, place) whose soft_indices follow

    def __or__(self, other: "Affected") -> "Affected":
        scope = None if self.copy_scope is None or other.copy_scope is None else sorted(
            set(self.copy_scope) | set(other.copy_scope))
        return Affected(self.filing_ids | other.filing_ids, self.groups | other.groups,
                        self.provinces | other.provinces, scope, self.peer_keys | other.peer_keys)


def _ids(con, name: str, ids) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (filing_id VARCHAR)")  # our own names
    insert_frame(con, name, ["filing_id"], [[x] for x in sorted(ids)])


def affected_keys(con, filing_ids, added: bool = False) -> Affected:
    """The groups, provinces and copy components of `filing_ids` as the database holds them now.
    `added`: the filings were just written (an ingest's new files), so they have no indicator keys yet and
    their peer groups are not read (a scan of every key: ~1 s at 1M filings)."""
    ids = set(filing_ids)
    if not ids:
        return Affected(copy_scope=[])
    _ids(con, "_affected_ids", ids)
    groups = {tuple(r) for r in con.execute(
        f"SELECT DISTINCT {', '.join(GROUP_COLS)} FROM filings WHERE filing_id IN (SELECT filing_id FROM _affected_ids)"
    ).fetchall()}
    peer_keys = set() if added else {tuple(r) for r in con.execute("""
        SELECT DISTINCT f.province, k.key, k.target_unit, k.year FROM indicator_keys k JOIN filings f USING (filing_id)
        WHERE k.filing_id IN (SELECT filing_id FROM _affected_ids)""").fetchall()}
    con.execute("DROP TABLE _affected_ids")
    return Affected(ids, groups, {g[0] for g in groups}, copy_scope(con, sorted(ids)), peer_keys)


def _flip(groups: set[tuple]) -> set[tuple]:
    """The same groups with `superseded` both ways (a flipped flag moves a filing between groups)."""
    k = GROUP_COLS.index("superseded")
    return {g[:k] + (v,) + g[k + 1:] for g in groups for v in (True, False)}


def _findings_diff(con, cond: str, params: list, before: str | None = None) -> str | set[str]:
    """Called once with no `before`: a snapshot of the findings matching `cond` (its temp table's
    name). Called again with it: the filings whose findings matching `cond` differ from the snapshot."""
    cols = "filing_id, indicator_seq, rule, family, severity, message, evidence"
    if before is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _findings_before AS SELECT {cols} FROM findings WHERE {cond}", params)
        return "_findings_before"
    rows = con.execute(f"""
        SELECT DISTINCT filing_id FROM (
            (SELECT {cols} FROM {before} EXCEPT ALL SELECT {cols} FROM findings WHERE {cond})
            UNION ALL
            (SELECT {cols} FROM findings WHERE {cond} EXCEPT ALL SELECT {cols} FROM {before}))""",
                       params + params).fetchall()
    con.execute(f"DROP TABLE {before}")
    return {fid for (fid,) in rows}


def _in_transaction(con, step):
    con.execute("BEGIN TRANSACTION")
    try:
        out = step()
        con.execute("COMMIT")
        return out
    except Exception:
        con.execute("ROLLBACK")
        raise


def _groups(con, provinces: set[str | None]) -> list[list[str | None]]:
    folded = {fold_key(p) for p in provinces}
    return [g for g in province_groups(con) if fold_key(g[0]) in folded]


def _raw_provinces(con, provinces: set[str | None]) -> list[str | None]:
    """The provinces as stored of the groups holding `provinces` (and those, gone or not)."""
    raw = set(provinces) | {p for g in _groups(con, provinces) for p in g}
    return sorted(raw, key=lambda p: (p is not None, p or ""))


def refresh_soft_provinces(con, settings, provinces: set[str | None]) -> set[str]:
    """Indicator keys, year links and soft-target findings of the province groups holding `provinces`,
    inside the caller's transaction (soft_indices follow: build_indices). Returns the filings whose soft
    findings changed."""
    groups = _groups(con, provinces)
    cond, params = in_provinces(_raw_provinces(con, provinces))
    rules = soft_rule_ids()
    in_scope = f"filing_id IN (SELECT filing_id FROM filings WHERE {cond})"
    soft_cond = f"rule IN ({', '.join('?' * len(rules))}) AND {in_scope}"
    before = _findings_diff(con, soft_cond, rules + params)
    con.execute(f"DELETE FROM findings WHERE {soft_cond}", rules + params)
    con.execute(f"DELETE FROM indicator_keys WHERE {in_scope}", params)
    con.execute(f"DELETE FROM filing_links WHERE {in_scope}", params)
    write_soft(con, con, settings, groups=groups)
    return _findings_diff(con, soft_cond, rules + params, before)


def refresh_soft_scoped(con, settings, affected: Affected) -> set[str]:
    """Indicator keys, year links and soft-target findings of the departments and peer groups the
    filings of `affected` reach (etl/soft_scope.py), one province group at a time, inside the caller's
    transaction; the places whose indices must follow are added to `affected.places`. Returns the
    filings whose soft findings changed."""
    changed: set[str] = set()
    for provinces in _groups(con, affected.provinces):
        got, places = refresh_soft_group(con, settings, provinces, affected.groups, affected.filing_ids,
                                         affected.peer_keys)
        changed |= got
        affected.places |= places
    return changed


def refresh_incremental(con, affected: Affected, settings_path: str | None = None) -> set[str]:
    """Every derived table after the filings of `affected` were added (read after) or removed (read
    before). Returns the filings whose mart rows were recomputed."""
    settings = check.load_settings(settings_path)
    was = {fid for (fid,) in con.execute("SELECT filing_id FROM filings WHERE superseded").fetchall()}
    twin_snap = _findings_diff(con, "rule = 'TWIN_DIFFERS'", [])
    refresh_twins_in(con, settings)
    changed = set(affected.filing_ids) | _findings_diff(con, "rule = 'TWIN_DIFFERS'", [], twin_snap)
    now = {fid for (fid,) in con.execute("SELECT filing_id FROM filings WHERE superseded").fetchall()}
    flipped = was ^ now
    if flipped:  # published filings that a structured import now supersedes (or no longer does)
        affected = affected | affected_keys(con, flipped)
        affected.groups = _flip(affected.groups)
    # one transaction per step: DuckDB scans a table slowly while it holds many uncommitted deletes
    # and inserts (soft_indices over them took 10x longer). A step that fails leaves the marker set
    # by the ingest, so the next ingest rebuilds everything.
    changed |= _in_transaction(con, lambda: refresh_copies_scoped(con, settings, affected.copy_scope))
    changed |= _in_transaction(con, lambda: refresh_soft_scoped(con, settings, affected))
    _in_transaction(con, lambda: build_indices_of_places(con, affected.places | places_of(con, changed)))
    refresh_marts(con, changed, affected.groups, whole=rebuild_memory)
    return changed


def refresh_full(con, settings_path: str | None = None) -> None:
    """Twins, copies, cross-year tables and marts over the whole database (no per-filing rule re-run:
    that is etl.recheck.recheck)."""
    with rebuild_memory(con):  # every filing compared: more than an ingest's refresh needs
        refresh_twins_in(con)
        refresh_copies_in(con, settings_path)
        refresh_soft_in(con, settings_path)
        build_marts(con)
