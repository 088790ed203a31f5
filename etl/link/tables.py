"""The tables of indicator identity and cross-year links, and the soft-target indices built on them.

    indicator_keys  one row per indicator row: its key, its series, its target and actual as numbers
    filing_links    one row per (filing, filing of its series a year earlier)
    soft_indices    per county and per department: share of soft targets, money-weighted score
                    inflation, share of indicators carried over unchanged from last year

All three are derived: rebuilt whole after every ingest and by `jixiao check`.
"""
from __future__ import annotations

from etl.records import Filing

from .keys import fold_name, fold_text

# the corpus rules whose findings mark a row as a soft target (etl/check/rules_soft.py)
SOFT_TARGET_RULES = ("SOFT_TARGET_LOWERED", "SOFT_TARGET_BELOW_LAST_ACTUAL", "SOFT_ALWAYS_EXCEEDED", "SOFT_PEER_OUTLIER")


def write_keys_and_links(con, filings: list[Filing], index) -> tuple[int, int]:
    """Replace indicator_keys and filing_links from a SeriesIndex over `filings`. Inside the caller's transaction."""
    con.execute("DELETE FROM indicator_keys")
    con.execute("DELETE FROM filing_links")
    keys = []
    for i, f in enumerate(filings):
        m = index.members[i]
        for o in index.rows[i]:
            keys.append([f.filing_id, o.ind.seq, m.series_id if m else None, f.year, o.key,
                         fold_name(o.ind.name, index.settings), index.unit_family(o), o.target, o.unit, o.actual,
                         fold_text(o.ind.target) or None])
    if keys:
        con.executemany("INSERT INTO indicator_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", keys)
    links = [[filings[k.filing].filing_id, filings[k.prev].filing_id, index.members[k.filing].series_id,
              filings[k.filing].year, filings[k.prev].year, k.match, k.similarity] for k in index.links]
    if links:
        con.executemany("INSERT INTO filing_links VALUES (?, ?, ?, ?, ?, ?, ?)", links)
    return len(keys), len(links)


# County = the most specific place printed; a department is one within its county.
_PLACE = "coalesce(f.county, f.city, f.province, '（地区未知）')"

INDICES_SQL = f"""
INSERT INTO soft_indices
WITH rows AS (
    SELECT k.filing_id, k.seq, k.target_num IS NOT NULL AS judged,
           EXISTS (SELECT 1 FROM findings x WHERE x.filing_id = k.filing_id AND x.indicator_seq = k.seq
                   AND x.rule IN ({", ".join("'" + r + "'" for r in SOFT_TARGET_RULES)})) AS soft,
           EXISTS (SELECT 1 FROM filing_links l WHERE l.filing_id = k.filing_id) AS linked,
           EXISTS (SELECT 1 FROM filing_links l JOIN indicator_keys p ON p.filing_id = l.prev_filing_id
                   WHERE l.filing_id = k.filing_id AND p.key = k.key AND p.target_fold = k.target_fold) AS carried
    FROM indicator_keys k
),
per_filing AS (
    SELECT f.filing_id, f.province, f.city, {_PLACE} AS place, coalesce(f.department, '（部门未知）') AS department,
           m.inflation, coalesce(f.budget_adjusted, f.budget_initial) AS money,
           count(r.seq) AS indicators, count(r.seq) FILTER (WHERE r.judged) AS judged_rows,
           count(r.seq) FILTER (WHERE r.soft) AS soft_rows,
           count(r.seq) FILTER (WHERE r.linked) AS linked_rows,
           count(r.seq) FILTER (WHERE r.linked AND r.carried) AS carried_rows
    FROM filings f
    LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id
    LEFT JOIN rows r ON r.filing_id = f.filing_id
    GROUP BY ALL
),
grains AS (
    SELECT 'county' AS grain, province, city, place, NULL::VARCHAR AS department, * EXCLUDE (province, city, place, department)
    FROM per_filing
    UNION ALL
    SELECT 'department', province, city, place, department, * EXCLUDE (province, city, place, department)
    FROM per_filing
)
SELECT grain, any_value(province), any_value(city), place, department,
       count(*) AS filings,
       sum(indicators) AS indicators, sum(judged_rows) AS judged_rows, sum(soft_rows) AS soft_rows,
       sum(soft_rows)::DOUBLE / nullif(sum(judged_rows), 0) AS soft_share,
       sum(money) FILTER (WHERE inflation IS NOT NULL AND money > 0) AS money,
       sum(inflation * money) FILTER (WHERE inflation IS NOT NULL AND money > 0)
         / nullif(sum(money) FILTER (WHERE inflation IS NOT NULL AND money > 0), 0) AS inflation_index,
       sum(linked_rows) AS linked_rows, sum(carried_rows) AS carried_rows,
       sum(carried_rows)::DOUBLE / nullif(sum(linked_rows), 0) AS carried_share
FROM grains GROUP BY grain, place, department
"""


def build_indices(con) -> int:
    """Replace soft_indices from filings, filing_metrics, findings, indicator_keys and filing_links."""
    con.execute("DELETE FROM soft_indices")
    con.execute(INDICES_SQL)
    return con.execute("SELECT count(*) FROM soft_indices").fetchone()[0]
