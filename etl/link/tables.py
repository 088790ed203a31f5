"""The tables of indicator identity and cross-year links, and the soft-target indices built on them.

    indicator_keys  one row per indicator row: its key, its series, its target and actual as numbers
    filing_links    one row per (filing, filing of its series a year earlier)
    soft_indices    per county and per department: share of soft targets, money-weighted score
                    inflation, share of indicators carried over unchanged from last year

All three are derived: rebuilt whole after every ingest and by `jixiao check`.
"""
from __future__ import annotations

from etl.bulk import insert_rows
from etl.measures import PLACE_NAME, fold_key
from etl.records import Filing

from .keys import fold_name

# the corpus rules whose findings mark a row as a soft target (etl/check/rules_soft.py)
SOFT_TARGET_RULES = ("SOFT_TARGET_LOWERED", "SOFT_TARGET_BELOW_LAST_ACTUAL", "SOFT_ALWAYS_EXCEEDED", "SOFT_PEER_OUTLIER")


_KEY_COLS = ["filing_id", "seq", "series_id", "year", "key", "name_key", "unit_family", "target_num", "target_unit",
             "actual_num", "target_fold"]
_LINK_COLS = ["filing_id", "prev_filing_id", "series_id", "year", "prev_year", "match", "similarity"]


def insert_frame(con, table: str, columns: list[str], rows: list[list]) -> None:
    """Many rows in one statement (etl/bulk.py). `table` and `columns` are our own names, never data."""
    insert_rows(con, table, columns, rows)


def write_keys_and_links(con, filings: list[Filing], index, replace: bool = True) -> tuple[int, int]:
    """Replace (or, `replace=False`, add to) indicator_keys and filing_links from a SeriesIndex over
    `filings`. Inside the caller's transaction."""
    if replace:
        con.execute("DELETE FROM indicator_keys")
        con.execute("DELETE FROM filing_links")
    keys, n_keys = [], 0
    # written series by series: the filing page reads a series' keys, and DuckDB skips the row
    # groups whose min/max series rule it out (a lake's file sorted so: 36 ms -> 5 ms over 15M keys)
    by_series = sorted(range(len(filings)), key=lambda i: (index.members[i].series_id if index.members[i] else "",
                                                          filings[i].year or 0, filings[i].filing_id))
    for i in by_series:
        f = filings[i]
        m = index.members[i]
        for o in index.rows[i]:
            keys.append([f.filing_id, o.ind.seq, m.series_id if m else None, f.year, o.key,
                         fold_name(o.ind.name, index.settings), o.family, o.target, o.unit, o.actual,
                         fold_key(o.ind.target) or None])
        if len(keys) >= 100_000:  # in chunks: a million rows as Python lists would cost gigabytes
            insert_frame(con, "indicator_keys", _KEY_COLS, keys)
            n_keys, keys = n_keys + len(keys), []
    insert_frame(con, "indicator_keys", _KEY_COLS, keys)
    n_keys += len(keys)
    links = [[filings[k.filing].filing_id, filings[k.prev].filing_id, index.members[k.filing].series_id,
              filings[k.filing].year, filings[k.prev].year, k.match, k.similarity] for k in index.links]
    insert_frame(con, "filing_links", _LINK_COLS, links)
    return n_keys, len(links)


_FINDING_COLS = ["filing_id", "indicator_seq", "rule", "family", "severity", "message", "evidence"]


def write_findings(con, findings, chunk: int = 50_000) -> int:
    """Findings in bulk, `chunk` at a time (the soft rules give hundreds of thousands on a large database;
    an iterator is never held whole)."""
    n, rows = 0, []
    for x in findings:
        rows.append([x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence])
        if len(rows) >= chunk:
            insert_frame(con, "findings", _FINDING_COLS, rows)
            n, rows = n + len(rows), []
    insert_frame(con, "findings", _FINDING_COLS, rows)
    return n + len(rows)


# County = the most specific place printed (etl/measures.py PLACE_NAME); a department is one within its county.

# {scope}: a condition over filings f choosing the provinces whose rows are computed (TRUE: all)
INDICES_SQL = f"""
INSERT INTO soft_indices
WITH scoped AS (SELECT f.filing_id FROM filings f WHERE {{scope}}),
soft AS (
    SELECT DISTINCT filing_id, indicator_seq AS seq FROM findings
    WHERE rule IN ({", ".join("'" + r + "'" for r in SOFT_TARGET_RULES)}) AND indicator_seq IS NOT NULL
      AND filing_id IN (SELECT filing_id FROM scoped)
),
-- every table read narrowed to the scope's rows first: one province's indices read its rows, not the
-- country's (15M indicator keys at 1M filings)
links AS (SELECT * FROM filing_links WHERE filing_id IN (SELECT filing_id FROM scoped)),
linked AS (SELECT DISTINCT filing_id FROM links),
carried AS (
    SELECT DISTINCT k.filing_id, k.seq
    FROM indicator_keys k
    JOIN links l ON l.filing_id = k.filing_id
    JOIN (SELECT * FROM indicator_keys WHERE filing_id IN (SELECT prev_filing_id FROM links)) p
      ON p.filing_id = l.prev_filing_id AND p.key = k.key AND p.target_fold = k.target_fold
    WHERE k.filing_id IN (SELECT filing_id FROM scoped)
),
rows AS (
    SELECT k.filing_id, k.seq, k.target_num IS NOT NULL AS judged, s.seq IS NOT NULL AS soft,
           li.filing_id IS NOT NULL AS linked, c.seq IS NOT NULL AS carried
    FROM indicator_keys k
    LEFT JOIN soft s ON s.filing_id = k.filing_id AND s.seq = k.seq
    LEFT JOIN linked li ON li.filing_id = k.filing_id
    LEFT JOIN carried c ON c.filing_id = k.filing_id AND c.seq = k.seq
    WHERE k.filing_id IN (SELECT filing_id FROM scoped)
),
per_filing AS (
    SELECT f.filing_id, f.province, f.city, {PLACE_NAME} AS place, coalesce(f.department, '（部门未知）') AS department,
           m.inflation, coalesce(f.budget_adjusted, f.budget_initial) AS money,
           count(r.seq) AS indicators, count(r.seq) FILTER (WHERE r.judged) AS judged_rows,
           count(r.seq) FILTER (WHERE r.soft) AS soft_rows,
           count(r.seq) FILTER (WHERE r.linked) AS linked_rows,
           count(r.seq) FILTER (WHERE r.linked AND r.carried) AS carried_rows
    FROM filings f
    LEFT JOIN (SELECT * FROM filing_metrics WHERE filing_id IN (SELECT filing_id FROM scoped)) m ON m.filing_id = f.filing_id
    LEFT JOIN rows r ON r.filing_id = f.filing_id
    WHERE f.superseded IS NOT TRUE  -- a published copy of a structured import counts once, as the import
      AND {{scope}}
    GROUP BY ALL
),
grains AS (
    SELECT 'county' AS grain, province, city, place, NULL::VARCHAR AS department, * EXCLUDE (province, city, place, department)
    FROM per_filing
    UNION ALL
    SELECT 'department', province, city, place, department, * EXCLUDE (province, city, place, department)
    FROM per_filing
)
SELECT grain, province, city, place, department,
       count(*) AS filings,
       sum(indicators) AS indicators, sum(judged_rows) AS judged_rows, sum(soft_rows) AS soft_rows,
       sum(soft_rows)::DOUBLE / nullif(sum(judged_rows), 0) AS soft_share,
       sum(money) FILTER (WHERE inflation IS NOT NULL AND money > 0) AS money,
       sum(inflation * money) FILTER (WHERE inflation IS NOT NULL AND money > 0)
         / nullif(sum(money) FILTER (WHERE inflation IS NOT NULL AND money > 0), 0) AS inflation_index,
       sum(linked_rows) AS linked_rows, sum(carried_rows) AS carried_rows,
       sum(carried_rows)::DOUBLE / nullif(sum(linked_rows), 0) AS carried_share
FROM grains GROUP BY grain, province, city, place, department  -- a county name repeats across provinces
"""


def build_indices(con, provinces: list[str | None] | None = None) -> int:
    """Replace soft_indices from filings, filing_metrics, findings, indicator_keys and filing_links: every
    row, or (`provinces`, as stored) only those provinces' rows (each row is one province's)."""
    if provinces is None:
        con.execute("DELETE FROM soft_indices")
        con.execute(INDICES_SQL.format(scope="TRUE"))
    else:
        known = [p for p in provinces if p is not None]
        conds = [f"{{c}} IN ({', '.join('?' * len(known))})"] if known else []
        conds += ["{c} IS NULL"] if None in provinces else []
        cond = "(" + " OR ".join(conds or ["FALSE"]) + ")"
        con.execute(f"DELETE FROM soft_indices WHERE {cond.format(c='province')}", known)
        con.execute(INDICES_SQL.format(scope=cond.format(c="f.province")), known * 2)
    return con.execute("SELECT count(*) FROM soft_indices").fetchone()[0]
