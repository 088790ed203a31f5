"""Pre-aggregated tables for the dashboard's headline figures.

One row per county × year × doc kind × department (the grain the dashboard's
filters select), so an overview at national scale sums thousands of rows instead
of joining millions. The same SQL builds them in the DuckDB file after each
local ingest and over the lake's views after each Ray run. `mart_values` keeps
each distinct score and execution rate with its count, so medians stay exact.
"""
from __future__ import annotations

KEYS = "f.province, f.city, f.county, f.year, f.doc_kind, f.department"
from etl.report.measures import EXEC_RATE  # execution rate defined once: B / A, else the printed rate

MART_SQL = {
    "mart_filings": f"""
        SELECT {KEYS},
               count(*) AS filings,
               count(*) FILTER (WHERE f.is_sample) AS sample_filings,
               sum(m.indicator_count) AS indicators,
               sum(m.vague_count) AS vague_count,
               sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS vague_share,
               coalesce(sum(m.deductions), 0) AS deductions,
               coalesce(sum(m.deductions_no_reason), 0) AS deductions_no_reason,
               coalesce(sum(m.finding_count), 0) AS findings,
               count(*) FILTER (WHERE m.error_count > 0) AS filings_with_errors,
               count(f.total_score) AS score_n,
               quantile_cont(f.total_score, 0.25) AS score_p25,
               quantile_cont(f.total_score, 0.5) AS score_p50,
               quantile_cont(f.total_score, 0.75) AS score_p75,
               count({EXEC_RATE}) AS exec_n,
               quantile_cont({EXEC_RATE}, 0.25) AS exec_p25,
               quantile_cont({EXEC_RATE}, 0.5) AS exec_p50,
               quantile_cont({EXEC_RATE}, 0.75) AS exec_p75,
               count(m.inflation) AS inflation_n,
               sum(m.inflation) AS inflation_sum
        FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id
        GROUP BY ALL
    """,
    "mart_findings": f"""
        SELECT {KEYS}, x.family, x.severity, count(*) AS n, count(DISTINCT x.filing_id) AS filings
        FROM findings x JOIN filings f ON f.filing_id = x.filing_id
        GROUP BY ALL
    """,
    # every distinct value with its count, per group: medians over any filter stay exact
    # (a median cannot be combined from the groups' medians), from a narrow table instead of a join
    "mart_values": f"""
        SELECT {KEYS}, 'score' AS measure, f.total_score AS x, count(*) AS n
        FROM filings f WHERE f.total_score IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT {KEYS}, 'exec_rate' AS measure, {EXEC_RATE} AS x, count(*) AS n
        FROM filings f LEFT JOIN filing_metrics m ON m.filing_id = f.filing_id
        WHERE {EXEC_RATE} IS NOT NULL GROUP BY ALL
    """,
}
MARTS = tuple(MART_SQL)

# The exact median per measure from mart_values rows chosen by WHERE (the text spliced in by
# the caller is its own filter built from column names; values travel as parameters).
# Interpolates as DuckDB's median does: lo + (hi - lo) * 0.5.
MEDIANS_SQL = """
    WITH v AS (SELECT f.measure, f.x, sum(f.n) AS n FROM mart_values f WHERE {where} GROUP BY ALL),
         c AS (SELECT measure, x, sum(n) OVER (PARTITION BY measure ORDER BY x) AS cum,
                      sum(n) OVER (PARTITION BY measure) AS tot FROM v),
         b AS (SELECT measure, min(x) FILTER (WHERE cum >= (tot + 1) // 2) AS lo,
                      min(x) FILTER (WHERE cum >= tot // 2 + 1) AS hi FROM c GROUP BY measure)
    SELECT max(CASE WHEN measure = 'score' THEN lo + (hi - lo) * 0.5 END) AS median_score,
           max(CASE WHEN measure = 'exec_rate' THEN lo + (hi - lo) * 0.5 END) AS median_exec_rate
    FROM b
"""


def build_marts(con) -> None:
    """(Re)build every mart as a table of the DuckDB connection, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for name, sql in MART_SQL.items():
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")  # our own names and SQL
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def build_marts_file(db_path) -> None:
    from etl.load import store

    with store.writer(db_path) as con:
        build_marts(con)
