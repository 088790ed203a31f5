"""Copy clusters as stored: which filings to compare, in bounded pieces, and the clusters' numbers.

Two filings can only be linked by the copy check (etl/check/copying.py) when they share a
(band, hash) of their MinHash signatures, or have identical indicator sets (which share every
band). So the check's result is the union of its results over the connected components of
the band-sharing graph, and each component can be compared on its own:

- a full refresh labels the components in SQL over copy_bands and compares them a batch of
  whole components at a time (`batch` filings or one component, whichever is larger): the driver
  holds one batch's names and targets, not the country's; a filing sharing no band with any
  other is never read;
- an incremental refresh (after an ingest or a removal) takes the component(s) of the changed
  filings only (`copy_scope`): their clusters and findings are deleted and computed again.

Clusters are numbered over the whole table afterwards (`renumber`), in the order the check
gives them (largest first, then the highest similarity, then the first member's id), and each
copying finding's text is given its cluster's number, so both ways give the same rows.
"""
from __future__ import annotations

from collections.abc import Iterator

from etl import check
from etl.link.tables import insert_frame
from etl.load import store
from etl.records import Filing, Indicator

# how many filings one comparison holds at most (names and targets in the driver), unless one
# component is larger
BATCH_FILINGS = 10_000
# an incremental scope past this many filings is compared by the full refresh instead
SCOPE_CAP = 200_000
_MAX_ROUNDS = 200  # label propagation: the longest chain of band-sharing filings it follows

_INPUTS_SQL = """
    SELECT f.filing_id, f.source_file, f.doc_kind, f.department, f.year, f.project,
           list(i.name ORDER BY i.seq) FILTER (WHERE i.seq IS NOT NULL),
           list(i.target ORDER BY i.seq) FILTER (WHERE i.seq IS NOT NULL)
    FROM filings f LEFT JOIN indicators i ON i.filing_id = f.filing_id
    WHERE f.superseded IS NOT TRUE  -- a published copy of a structured import is not a copy to report
      AND f.filing_id IN (SELECT filing_id FROM {ids})
    GROUP BY ALL ORDER BY f.filing_id
"""


def copy_inputs(con, ids_table: str) -> list[Filing]:
    """What the comparison reads (who, when, which indicators) of the filings listed in `ids_table`
    (a temp table of ours with a filing_id column), in filing order."""
    rows = con.execute(_INPUTS_SQL.format(ids=ids_table)).fetchall()
    return [
        Filing(doc_kind=kind, filing_id=fid, source_file=src, department=dept, year=year, project=project,
               indicators=[Indicator(seq=k + 1, name=n, target=t) for k, (n, t) in enumerate(zip(names or [], targets or []))])
        for fid, src, kind, dept, year, project, names, targets in rows
    ]


def _ids_table(con, name: str, ids) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (filing_id VARCHAR)")  # our own names
    insert_frame(con, name, ["filing_id"], [[x] for x in ids])


def backfill_bands(con, settings, ids_table: str | None = None, chunk: int = 20_000, bands: str = "copy_bands") -> int:
    """Store the bands of filings that have none (a file whose checks crashed, a database made before
    copy_bands existed), so that the components below see them. Returns the rows written. `bands`: a
    table holding copy_bands' rows of the filings of `ids_table` (scope_bands), which gets them too."""
    scope = f"AND f.filing_id IN (SELECT filing_id FROM {ids_table})" if ids_table else ""
    missing = [fid for (fid,) in con.execute(f"""
        SELECT f.filing_id FROM filings f
        WHERE f.superseded IS NOT TRUE {scope}
          AND NOT EXISTS (SELECT 1 FROM {bands} b WHERE b.filing_id = f.filing_id)
          AND (SELECT count(*) FROM indicators i WHERE i.filing_id = f.filing_id) >= ?""",
        [settings.copy_min_indicators]).fetchall()]
    n = 0
    for k in range(0, len(missing), chunk):
        _ids_table(con, "_copy_fill", missing[k:k + chunk])
        rows = [list(b) for f in copy_inputs(con, "_copy_fill") for b in check.filing_bands(f, settings)]
        store.insert_rows(con, {"copy_bands": rows})
        if bands != "copy_bands":
            insert_frame(con, bands, ["filing_id", "band", "hash"], rows)
        n += len(rows)
    con.execute("DROP TABLE IF EXISTS _copy_fill")
    return n


def copy_scope(con, seeds: list[str], cap: int = SCOPE_CAP) -> list[str] | None:
    """The seeds and every filing reachable from them by sharing a (band, hash): a union of whole
    components. None when it grows past `cap` filings (compare everything instead).

    Each round reads copy_bands twice (the new front's bands, then the filings sharing them); the band
    rows of the scope's filings it reads are kept (SCOPE_BANDS, for the scope it returns) so that the
    refresh of that scope reads them from there, not from copy_bands again (`scope_bands`)."""
    forget_scope_bands(con)
    _ids_table(con, "_copy_scope", sorted(set(seeds)))
    con.execute("CREATE OR REPLACE TEMP TABLE _copy_front AS SELECT filing_id FROM _copy_scope")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SCOPE_BANDS} (filing_id VARCHAR, band INTEGER, hash BIGINT)")
    while True:
        con.execute(f"""INSERT INTO {SCOPE_BANDS} SELECT filing_id, band, hash FROM copy_bands
                        WHERE filing_id IN (SELECT filing_id FROM _copy_front)""")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _copy_next AS
            SELECT DISTINCT b2.filing_id
            FROM (SELECT DISTINCT band, hash FROM {SCOPE_BANDS} WHERE filing_id IN (SELECT filing_id FROM _copy_front)) b1
            JOIN copy_bands b2 ON b2.band = b1.band AND b2.hash = b1.hash
            WHERE b2.filing_id NOT IN (SELECT filing_id FROM _copy_scope)""")
        grown = con.execute("SELECT count(*) FROM _copy_next").fetchone()[0]
        if not grown:
            break
        con.execute("INSERT INTO _copy_scope SELECT filing_id FROM _copy_next")
        if con.execute("SELECT count(*) FROM _copy_scope").fetchone()[0] > cap:
            _drop(con, "_copy_scope", "_copy_front", "_copy_next", SCOPE_BANDS)
            return None
        con.execute("CREATE OR REPLACE TEMP TABLE _copy_front AS SELECT filing_id FROM _copy_next")
    out = [fid for (fid,) in con.execute("SELECT filing_id FROM _copy_scope ORDER BY filing_id").fetchall()]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SCOPE_BANDS}_of AS SELECT filing_id FROM _copy_scope")
    _drop(con, "_copy_scope", "_copy_front", "_copy_next")
    return out


# the band rows of the filings of the last copy_scope (a temp table, and {SCOPE_BANDS}_of: those filings)
SCOPE_BANDS = "_copy_scope_bands"


def scope_bands(con, ids_table: str) -> str:
    """A temp table of the copy_bands rows of the filings listed in `ids_table`: the one copy_scope kept
    when it was for those filings, else read from copy_bands now. Between the two the refresh writes no
    band of a filing that stays (affected_keys before a removal, then the rows deleted: the removed
    filings' kept rows are left out where the labels join `filings`)."""
    kept = con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{SCOPE_BANDS}_of' AND temporary"
                       ).fetchone()[0]
    if kept and not con.execute(f"""SELECT count(*) FROM ((SELECT filing_id FROM {SCOPE_BANDS}_of EXCEPT SELECT filing_id FROM {ids_table})
                                    UNION ALL (SELECT filing_id FROM {ids_table} EXCEPT SELECT filing_id FROM {SCOPE_BANDS}_of))"""
                                ).fetchone()[0]:
        return SCOPE_BANDS
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {SCOPE_BANDS} AS SELECT filing_id, band, hash FROM copy_bands
                    WHERE filing_id IN (SELECT filing_id FROM {ids_table})""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SCOPE_BANDS}_of AS SELECT filing_id FROM {ids_table}")
    return SCOPE_BANDS


def forget_scope_bands(con) -> None:
    _drop(con, SCOPE_BANDS, f"{SCOPE_BANDS}_of")


def _drop(con, *tables: str) -> None:
    for t in tables:
        con.execute(f"DROP TABLE IF EXISTS {t}")  # our own temp names


def component_batches(con, batch: int = BATCH_FILINGS, scope_table: str | None = None,
                      bands: str = "copy_bands") -> Iterator[list[str]]:
    """The filings of every component of more than one filing (the only ones that can hold a pair),
    labelled by min-label propagation in SQL, packed whole into batches of about `batch` filings.
    `scope_table` (a temp table of filing ids, whole components): only those filings, whose copy_bands
    rows `bands` holds (scope_bands: a component's edges are its own filings' rows)."""
    scope = f"AND f.filing_id IN (SELECT filing_id FROM {scope_table})" if scope_table else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _copy_lab AS
        SELECT DISTINCT b.filing_id, b.filing_id AS lab FROM {bands} b
        JOIN filings f ON f.filing_id = b.filing_id WHERE f.superseded IS NOT TRUE {scope}""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _copy_edge AS  -- bands shared by more than one filing only
        SELECT b.band, b.hash, b.filing_id FROM {bands} b JOIN _copy_lab l ON l.filing_id = b.filing_id
        QUALIFY count(*) OVER (PARTITION BY b.band, b.hash) > 1""")
    for _ in range(_MAX_ROUNDS):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _copy_lab2 AS
            WITH bl AS (SELECT e.band, e.hash, min(l.lab) AS lab FROM _copy_edge e JOIN _copy_lab l USING (filing_id)
                        GROUP BY e.band, e.hash),
                 fl AS (SELECT e.filing_id, min(bl.lab) AS lab FROM _copy_edge e JOIN bl USING (band, hash)
                        GROUP BY e.filing_id)
            SELECT l.filing_id, least(l.lab, coalesce(fl.lab, l.lab)) AS lab
            FROM _copy_lab l LEFT JOIN fl USING (filing_id)""")
        changed = con.execute("""SELECT count(*) FROM _copy_lab a JOIN _copy_lab2 b USING (filing_id)
                                 WHERE a.lab <> b.lab""").fetchone()[0]
        con.execute("DROP TABLE _copy_lab")
        con.execute("ALTER TABLE _copy_lab2 RENAME TO _copy_lab")
        if not changed:
            break
    else:  # a chain longer than the rounds: what is left unlabelled is compared as one piece
        con.execute("UPDATE _copy_lab SET lab = '' WHERE lab IN (SELECT lab FROM _copy_lab GROUP BY lab HAVING count(*) > 1)")
    # whole components packed into pieces of about `batch` filings, numbered in SQL: the driver
    # fetches one piece's ids at a time
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _copy_piece AS
        WITH c AS (SELECT lab, count(*) AS n FROM _copy_lab GROUP BY lab HAVING count(*) > 1)
        SELECT lab, (sum(n) OVER (ORDER BY lab ROWS UNBOUNDED PRECEDING) - n) // {int(batch)} AS piece FROM c""")
    pieces = [p for (p,) in con.execute("SELECT DISTINCT piece FROM _copy_piece ORDER BY piece").fetchall()]
    for p in pieces:
        yield [fid for (fid,) in con.execute("""SELECT l.filing_id FROM _copy_lab l JOIN _copy_piece c USING (lab)
                                                WHERE c.piece = ? ORDER BY l.filing_id""", [p]).fetchall()]
    _drop(con, "_copy_lab", "_copy_edge", "_copy_piece")


def _compare(con, ids: list[str], settings, first_id: int) -> tuple[int, list]:
    """Clusters and findings of the filings `ids` (whole components) written with cluster numbers from
    `first_id` on (renumber gives the final ones). Returns (clusters written, clustered filing ids)."""
    _ids_table(con, "_copy_batch", ids)
    filings = copy_inputs(con, "_copy_batch")
    _drop(con, "_copy_batch")
    clusters, copies = check.copy_analysis(filings, settings, con=con)
    rows = [[first_id + k, fid, sim] for k, members in enumerate(clusters) for fid, sim in members]
    insert_frame(con, "copy_clusters", ["cluster_id", "filing_id", "similarity"], rows)
    store.write_derived(con, copies, [], [])
    return len(clusters), [r[1] for r in rows]


def refresh_copies_scoped(con, settings, scope: list[str] | None = None, batch: int = BATCH_FILINGS) -> set[str]:
    """Copy clusters and copying findings of `scope` (whole components; None: every filing) computed
    again, inside the caller's transaction. Returns the filings whose copying finding was removed, added
    or renumbered (what the marts must follow)."""
    before = _snapshot(con)
    if scope is None:
        con.execute("DELETE FROM findings WHERE family = 'copying'")
        con.execute("DELETE FROM copy_clusters")
        backfill_bands(con, settings)
    else:
        _ids_table(con, "_copy_scope_ids", scope)
        con.execute("DELETE FROM findings WHERE family = 'copying' AND filing_id IN (SELECT filing_id FROM _copy_scope_ids)")
        con.execute("DELETE FROM copy_clusters WHERE filing_id IN (SELECT filing_id FROM _copy_scope_ids)")
        bands = scope_bands(con, "_copy_scope_ids")
        backfill_bands(con, settings, "_copy_scope_ids", bands=bands)
    pieces = component_batches(con, batch, None if scope is None else "_copy_scope_ids",
                               "copy_bands" if scope is None else bands)
    next_id = (con.execute("SELECT coalesce(max(cluster_id), 0) FROM copy_clusters").fetchone()[0] or 0) + 1
    for ids in pieces:
        n, _ = _compare(con, ids, settings, next_id)
        next_id += n
    _drop(con, "_copy_scope_ids")
    forget_scope_bands(con)
    renumber(con)
    return _changed(con, before)


def _snapshot(con) -> str:
    con.execute("""CREATE OR REPLACE TEMP TABLE _copy_before AS
                   SELECT filing_id, message, evidence FROM findings WHERE family = 'copying'""")
    return "_copy_before"


def _changed(con, before: str) -> set[str]:
    rows = con.execute(f"""
        SELECT filing_id FROM (
            (SELECT filing_id, message, evidence FROM {before}
             EXCEPT ALL SELECT filing_id, message, evidence FROM findings WHERE family = 'copying')
            UNION ALL
            (SELECT filing_id, message, evidence FROM findings WHERE family = 'copying'
             EXCEPT ALL SELECT filing_id, message, evidence FROM {before}))
        GROUP BY filing_id""").fetchall()
    _drop(con, before)
    return {fid for (fid,) in rows}


def renumber(con) -> None:
    """Number the clusters 1.. in the check's order (etl/check/copying.py `_clusters`: more members
    first, then the higher best similarity, then the first such member's id) and put each number
    into its findings' text."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _copy_num AS
        WITH c AS (SELECT cluster_id, count(*) AS n, max(similarity) AS top FROM copy_clusters GROUP BY cluster_id),
             f AS (SELECT c.cluster_id, c.n, c.top, min(x.filing_id) AS first
                   FROM c JOIN copy_clusters x ON x.cluster_id = c.cluster_id AND x.similarity = c.top
                   GROUP BY ALL)
        SELECT cluster_id AS old, row_number() OVER (ORDER BY n DESC, top DESC, first)::INTEGER AS new FROM f""")
    moved = con.execute("SELECT count(*) FROM _copy_num WHERE old <> new").fetchone()[0]
    if moved:
        con.execute("""CREATE OR REPLACE TEMP TABLE _copy_rows AS
                       SELECT r.new AS cluster_id, c.filing_id, c.similarity
                       FROM copy_clusters c JOIN _copy_num r ON r.old = c.cluster_id""")
        con.execute("DELETE FROM copy_clusters")
        con.execute("INSERT INTO copy_clusters SELECT * FROM _copy_rows")
        _drop(con, "_copy_rows")
    # the number in the text: "…（相似组 N，阈值 80%）。" and "相似组=N；…" (etl/check/copying.py _copy_rule)
    con.execute("""
        UPDATE findings SET
            message = regexp_replace(message, '（相似组 \\d+，阈值 ([^）]*)）。$', '（相似组 ' || c.cluster_id || '，阈值 \\1）。'),
            evidence = regexp_replace(evidence, '^相似组=\\d+；', '相似组=' || c.cluster_id || '；')
        FROM copy_clusters c
        WHERE findings.family = 'copying' AND findings.filing_id = c.filing_id
          AND NOT starts_with(findings.evidence, '相似组=' || c.cluster_id || '；')""")
    _drop(con, "_copy_num")
