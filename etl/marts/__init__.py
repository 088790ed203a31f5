"""Pre-aggregated and pre-joined tables for the dashboard.

`mart_facts` is one narrow row per filing with its metrics already joined and the
execution rate and place label computed, stored in filter order (province, city,
county, year, doc kind, department), so a page scans one table instead of joining
millions of rows, and a filtered drill-down reads only the row groups of its place
and year. Its SQL is also the relation the dashboard reads when a database has no
marts (an old file), so both paths give the same rows.

The group marts hold one row per county × year × doc kind × department (the grain
the dashboard's filters select) and what is counted under it: an overview or a chart
per group sums thousands of rows instead of millions. The per-row marts (findings,
reasons) carry their filing's filter columns, so a list needs no join; `mart_units`
holds each place's and department's measures per year for the comparison page.
The same SQL builds them in the DuckDB file after each local ingest and over the
lake's views after each Ray run.
"""
from __future__ import annotations

import re
from contextlib import nullcontext


from etl.bulk import insert_rows
from etl.measures import (EXEC_RATE, FROM_FMP, GRADE_BAND, METRIC_SQL, PHRASE, PLACE,  # defined once there, shared
                          unverified_sql)  # with the PDF report

# the filter columns; source_kind (系统导出 / 公开文件) and superseded (a published copy of a structured import,
# left out by every dashboard query: the project is shown once) come last
KEYS = "f.province, f.city, f.county, f.year, f.doc_kind, f.department, f.source_kind, f.superseded"
GROUP_KEYS = f"{KEYS}, {PLACE} AS place"  # the place label too: charts group by it without computing it per row

# A vague-indicator finding's phrase as the quality page counts it: the finding's evidence, else the
# indicator's target, folded by PHRASE (etl/measures.py): ≧ / ≦ are ≥ / ≤, spaces do not make another phrase.

# The shared measures over mart_facts (f): the metrics' columns and the execution rate are its own.
FACT_EXEC_RATE = "f.exec_rate"
FACT_PLACE = "f.place"


def on_facts(expr: str) -> str:
    """A measure written over filings f, filing_metrics m and problems p, as the same measure over mart_facts f."""
    return re.sub(r"\b[mp]\.", "f.", expr.replace(EXEC_RATE, FACT_EXEC_RATE))


FACT_METRIC_SQL = {k: on_facts(v) for k, v in METRIC_SQL.items()}


# The grade bands of a score (优 良 中 差), for the self-score and the re-computed score alike: GRADE_BAND
# (etl/measures.py, from settings.toml [grades]).
FINDING_KEY = "concat_ws('|', {x}.rule, {x}.family, {x}.severity)"  # a kind of finding, as one text
SEVERITY_ORDER = "CASE {c} WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"  # the findings list: errors first
# the findings list's order, over findings {x}: errors first, then by filing, row, rule
LIST_ORDER = (SEVERITY_ORDER.format(c="{x}.severity")
              + ", {x}.filing_id, {x}.indicator_seq NULLS FIRST, {x}.rule, {x}.message, {x}.evidence")


def _base_sql() -> dict[str, str]:
    """The marts' SQL with the settings as they are now ([review] threshold decides which findings are 待核实)."""
    return {
        "mart_facts": f"""
            SELECT f.filing_id, {KEYS}, {PLACE} AS place, f.project, f.title, f.source_file, f.is_sample,
                   f.parse_confidence, f.total_score, f.budget_adjusted, f.budget_executed, {EXEC_RATE} AS exec_rate,
                   m.score_recomputed, m.inflation, m.vague_count, m.indicator_count, m.deductions,
                   m.deductions_no_reason, coalesce(p.finding_count, 0) AS finding_count,
                   coalesce(p.error_count, 0) AS error_count,
                   hash(f.filing_id) AS sample_key,  -- the charts' stable pseudo-random sample
                   -- each kind of finding the filing has (FINDING_KEY): "has a finding of rule R and severity S"
                   -- is a test on this short list instead of a search through every finding
                   k.finding_keys
            {FROM_FMP}
            LEFT JOIN (SELECT x.filing_id, list(DISTINCT {FINDING_KEY.format(x='x')} ORDER BY {FINDING_KEY.format(x='x')}) AS finding_keys
                       FROM findings x GROUP BY x.filing_id) k ON k.filing_id = f.filing_id
        """,
        "mart_filings": f"""
            SELECT {GROUP_KEYS},
                   -- sums stored as BIGINT: DuckDB 1.4 scans a HUGEINT (128-bit) column ~100x slower
                   count(*) AS filings,
                   count(*) FILTER (WHERE f.is_sample) AS sample_filings,
                   sum(m.indicator_count)::BIGINT AS indicators,
                   sum(m.vague_count)::BIGINT AS vague_count,
                   sum(m.vague_count)::DOUBLE / nullif(sum(m.indicator_count), 0) AS vague_share,
                   sum(m.deductions)::BIGINT AS deductions,
                   sum(m.deductions_no_reason)::BIGINT AS deductions_no_reason,
                   coalesce(sum(p.finding_count), 0)::BIGINT AS findings,
                   count(*) FILTER (WHERE p.error_count > 0) AS filings_with_errors,
                   -- each group's own quartiles, for reading the mart directly (a page's median over several
                   -- groups comes from mart_facts: medians do not add up)
                   count(f.total_score) AS score_n,
                   quantile_cont(f.total_score, 0.25) AS score_p25,
                   quantile_cont(f.total_score, 0.5) AS score_p50,
                   quantile_cont(f.total_score, 0.75) AS score_p75,
                   count({EXEC_RATE}) AS exec_n,
                   quantile_cont({EXEC_RATE}, 0.25) AS exec_p25,
                   quantile_cont({EXEC_RATE}, 0.5) AS exec_p50,
                   quantile_cont({EXEC_RATE}, 0.75) AS exec_p75,
                   count(m.inflation) AS inflation_n,
                   sum(m.inflation) AS inflation_sum,
                   -- what the quality and reasons pages sum over filings with indicators / with deductions
                   count(*) FILTER (WHERE m.indicator_count > 0) AS filings_with_indicators,
                   (sum(m.vague_count) FILTER (WHERE m.indicator_count > 0))::BIGINT AS vague_in_counted,
                   (sum(m.indicator_count) FILTER (WHERE m.indicator_count > 0))::BIGINT AS indicators_in_counted,
                   count(*) FILTER (WHERE m.deductions > 0) AS filings_with_deductions,
                   (sum(m.deductions) FILTER (WHERE m.deductions > 0))::BIGINT AS deductions_in_counted,
                   (sum(m.deductions_no_reason) FILTER (WHERE m.deductions > 0))::BIGINT AS no_reason_in_counted
            {FROM_FMP}
            GROUP BY ALL
        """,
        # unverified_n: of those, the findings 待核实 (on rows read with little confidence, etl/review)
        "mart_findings": f"""
            SELECT {GROUP_KEYS}, x.rule, x.family, x.severity, count(*) AS n, count(DISTINCT x.filing_id) AS filings,
                   count(*) FILTER (WHERE {unverified_sql()}) AS unverified_n
            FROM findings x JOIN filings f ON f.filing_id = x.filing_id
            LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
            GROUP BY ALL
        """,
        "mart_reasons": f"""
            SELECT {GROUP_KEYS}, r.category, count(*) AS n
            FROM indicator_reasons r JOIN filings f ON f.filing_id = r.filing_id
            GROUP BY ALL
        """,
        "mart_reason_texts": f"""
            SELECT {GROUP_KEYS}, i.reason, count(*) AS n
            FROM reason_texts i JOIN filings f ON f.filing_id = i.filing_id
            GROUP BY ALL
        """,
        "mart_phrases": f"""
            WITH v AS (SELECT {GROUP_KEYS}, x.filing_id, x.indicator_seq, nullif(trim(x.evidence), '') AS phrase
                       FROM findings x JOIN filings f ON f.filing_id = x.filing_id WHERE x.family = 'vague'),
                 p AS (SELECT * EXCLUDE (filing_id, indicator_seq) FROM v WHERE phrase IS NOT NULL
                       UNION ALL  -- no evidence: the indicator's target
                       SELECT v.* EXCLUDE (filing_id, indicator_seq, phrase), i.target FROM v
                       JOIN indicators i ON i.filing_id = v.filing_id AND i.seq = v.indicator_seq
                       WHERE v.phrase IS NULL)
            SELECT province, city, county, year, doc_kind, department, source_kind, superseded, place,
                   {PHRASE.format(c='phrase')} AS phrase,
                   count(*) AS n
            FROM p WHERE phrase IS NOT NULL GROUP BY ALL
        """,
        # every finding with its filing's filter columns and indicator: the findings list needs no join;
        # list_order is the list's order (severity, filing, indicator, rule) as one number (a DOUBLE, so a
        # save can put one filing's new findings between their neighbours: refresh_marts_for);
        # unverified: the finding is 待核实 (etl/measures.py)
        "mart_finding_rows": f"""
            SELECT x.filing_id, x.indicator_seq, x.rule, x.family, x.severity, x.message, x.evidence,
                   {GROUP_KEYS}, i.src_where, i.name,
                   row_number() OVER (ORDER BY {LIST_ORDER.format(x='x')})::DOUBLE AS list_order,
                   coalesce({unverified_sql()}, false) AS unverified
            FROM findings x LEFT JOIN filings f ON f.filing_id = x.filing_id
            LEFT JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
        """,
        # every non-empty reason with its filing's filter columns, its indicator and its categories
        # (the reason search), likewise
        "mart_reason_rows": f"""
            SELECT i.filing_id, i.seq, i.reason, {GROUP_KEYS}, ind.name, ind.weight, ind.score,
                   c.categories, c.category_list
            FROM reason_texts i JOIN filings f ON f.filing_id = i.filing_id
            JOIN indicators ind ON ind.filing_id = i.filing_id AND ind.seq = i.seq
            LEFT JOIN (SELECT r.filing_id, r.indicator_seq,
                              string_agg(DISTINCT r.category, ' ' ORDER BY r.category) AS categories,
                              list(DISTINCT r.category ORDER BY r.category) AS category_list
                       FROM indicator_reasons r GROUP BY ALL) c ON c.filing_id = i.filing_id AND c.indicator_seq = i.seq
        """,
        "mart_grades": f"""
            SELECT {GROUP_KEYS}, grade, sum(self_n)::BIGINT AS self_n, sum(recomputed_n)::BIGINT AS recomputed_n FROM (
                SELECT f.*, {GRADE_BAND.format(c='f.total_score')} AS grade, 1 AS self_n, 0 AS recomputed_n
                FROM filings f WHERE f.total_score IS NOT NULL
                UNION ALL
                SELECT f.*, {GRADE_BAND.format(c='m.score_recomputed')}, 0, 1
                FROM filings f JOIN filing_metrics m ON m.filing_id = f.filing_id WHERE m.score_recomputed IS NOT NULL
            ) f GROUP BY ALL
        """,
        # each copy-cluster member with its filter columns and label: the quality page's clusters
        # without joining the filings
        "mart_copies": f"""
            SELECT c.cluster_id, c.similarity, {GROUP_KEYS}, f.filing_id
            FROM copy_clusters c JOIN filings f ON f.filing_id = c.filing_id
        """,
    }
# Each place and each department (and 'all': every filing as one unit), the comparison page's
# measures and the self-score's quartiles per year over all its filings (grain 3), over its
# filings in one province (grain 1) and in one province and city (grain 0), and over all years
# (grain 7): the peers of a focus, the headline medians and the score boxes are read from here
# instead of from every filing when no other filter applies (dashboard/queries/marts.py decides when
# that is exact).
UNIT_GRAINS = {"all": 3, "province": 1, "city": 0, "all_years": 7}
UNIT_SETS = """(f.unit_kind, f.unit, f.year), (f.unit_kind, f.unit, f.province, f.year),
               (f.unit_kind, f.unit, f.province, f.city, f.year), (f.unit_kind, f.unit)"""
UNIT_KINDS = {  # unit kind -> the unit's name over mart_facts' columns
    "place": "f.place", "department": "coalesce(f.department, '（部门未知）')", "all": "''"}


# one grain alone (a save recomputes single grains): the columns it groups by
GRAIN_COLUMNS = {3: ("year",), 1: ("province", "year"), 0: ("province", "city", "year"), 7: ()}
_GRAIN_TYPES = {"province": "VARCHAR", "city": "VARCHAR", "year": "INTEGER"}


def units_sql(facts: str, kinds: tuple[str, ...] = tuple(UNIT_KINDS), sets: str | int = UNIT_SETS,
              where: str = "TRUE") -> str:
    """mart_units' rows for the unit kinds `kinds` and grouping sets `sets` (or one grain, a key of
    GRAIN_COLUMNS), over the filings `facts` (a SELECT of mart_facts' columns), only the units matching
    `where` (over unit_kind and unit): the whole mart, the rows a save changes (refresh_marts_for), or the
    units an ingest's filings belong to (refresh_marts)."""
    units = "\n               UNION ALL\n               ".join(
        f"SELECT '{k}' AS unit_kind, {UNIT_KINDS[k]} AS unit, f.* EXCLUDE (place, finding_keys) FROM x f" for k in kinds)
    if isinstance(sets, int):  # GROUPING() takes only grouping columns: a single grain's key is written out
        cols = GRAIN_COLUMNS[sets]
        keys = ", ".join(f"f.{c}" if c in cols else f"NULL::{t} AS {c}" for c, t in _GRAIN_TYPES.items())
        keys += f", {sets} AS grain"
        sets = "(" + ", ".join(["f.unit_kind", "f.unit"] + [f"f.{c}" for c in cols]) + ")"
    else:
        keys = "f.province, f.city, f.year, GROUPING(f.year, f.province, f.city) AS grain"
    return f"""
    WITH x AS (SELECT * FROM ({facts}) WHERE superseded IS NOT TRUE),  -- each project once
         f AS (SELECT * FROM ({units}) WHERE {where})
    SELECT f.unit_kind, f.unit, {keys},
           min(f.province) AS min_province, min(f.city) AS min_city, count(*) AS n, count(f.exec_rate) AS exec_n,
           {", ".join(f"{sql} AS m_{key}" for key, sql in FACT_METRIC_SQL.items())},
           count(f.total_score) AS score_n, min(f.total_score) AS score_lo,
           quantile_cont(f.total_score, [0.25, 0.5, 0.75]) AS score_q, max(f.total_score) AS score_hi
    FROM f
    GROUP BY GROUPING SETS ({sets})
"""


def _mart_sql() -> dict[str, str]:
    sql = _base_sql()
    sql["mart_units"] = units_sql(sql["mart_facts"])
    return sql


MART_SQL = _mart_sql()
MARTS = tuple(MART_SQL)


def current_sql() -> None:
    """MART_SQL again with the settings as they are now: a build after the settings changed uses them."""
    MART_SQL.update(_mart_sql())
# Stored in this order: a filter on place and year reads few row groups (DuckDB's and Parquet's min/max).
MART_ORDER = {
    "mart_facts": "province, city, county, year, doc_kind, department, filing_id",
    # in the list's own order: the first page of any filter is found in the first row groups (DuckDB's
    # top-n skips the rest by their min/max), 10 ms for all findings instead of 170 ms in place order
    "mart_finding_rows": "list_order",
    "mart_reason_rows": "province, city, county, year DESC, filing_id, seq",
}


def mart_select(name: str) -> str:
    """The mart's rows in their stored order."""
    order = MART_ORDER.get(name)
    return f"SELECT * FROM ({MART_SQL[name]}) ORDER BY {order}" if order else MART_SQL[name]


# MARTS_PENDING (a meta key; etl.load.schema sets it in a migration): the base tables changed since the marts were built.
# It is set in the transaction that changes them (a file's rows, a re-check, a migration) and
# cleared in the one that rebuilds the marts, so a run killed in between leaves it set: the next
# run rebuilds them, and the dashboard reads the base tables meanwhile instead of marts that count
# too little.
# The same for a lake: a file under DIR/derived/ that exists from before a run's first commit
# until its derived tables and marts are all rewritten.
MARTS_PENDING = "marts_pending"
LAKE_PENDING_FILE = "_pending"

# Which shape of the marts a file holds (meta key marts_version): a save updates marts of this shape row
# by row, and rebuilds older ones whole. Raise it whenever a mart's columns change.
MARTS_VERSION = "4"  # 2: findings 待核实 (unverified_n, unverified); list_order a DOUBLE; 3: source_kind, superseded;
# 4: finding_count / error_count count every finding row (one 问题数: etl/measures.py PROBLEMS)
MARTS_VERSION_KEY = "marts_version"


def _create_all(con) -> None:
    for name in MART_SQL:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {mart_select(name)}")  # our own names and SQL
    con.execute("DROP TABLE IF EXISTS mart_values")  # replaced by mart_facts (exact medians from its rows)
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]:
        con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [MARTS_VERSION_KEY, MARTS_VERSION])
        con.execute("DELETE FROM meta WHERE key = ?", [MARTS_PENDING])  # every mart is current


def build_marts(con) -> None:
    """(Re)build every mart as a table of the DuckDB connection, in one transaction."""
    current_sql()
    con.execute("BEGIN TRANSACTION")
    try:
        _create_all(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# The incremental refresh: which marts hold one row per filing (or per row of one filing), which one
# row per group of the filter columns, and which are rebuilt whole (small, or summed over every group).
PER_FILING = ("mart_facts", "mart_finding_rows", "mart_reason_rows")
PER_GROUP = ("mart_filings", "mart_findings", "mart_reasons", "mart_reason_texts", "mart_phrases", "mart_grades")
GROUP_COLS = ("province", "city", "county", "year", "doc_kind", "department", "source_kind", "superseded")
_SAME_GROUP = " AND ".join(f"g.{c} IS NOT DISTINCT FROM {{t}}.{c}" for c in GROUP_COLS)


def _insert_rows(con, table: str, columns: list[str], rows: list[list]) -> None:
    """Rows into one of our temp tables in one statement (executemany costs ~1 ms a row; etl/bulk.py)."""
    insert_rows(con, table, columns, rows)


def refresh_marts(con, filing_ids, groups, whole=nullcontext) -> None:
    """Recompute the marts' rows of the filings `filing_ids` (added, changed or removed) and of the groups
    `groups` (tuples of GROUP_COLS: the groups those filings are or were in), in one transaction; the
    same rows as build_marts, except that the new rows are stored after the old ones (`jixiao check
    --full` puts every mart back in its stored order). `whole(con)` is entered around a build of every
    mart (a database without marts yet): the caller's memory for a full build (etl.load.store.rebuild_memory),
    which this layer cannot read from the settings itself."""
    current_sql()  # the settings as they are now ([review] threshold: which findings are 待核实)
    if not any(con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{n}'").fetchone()[0]
               for n in ("mart_facts",)):
        with whole(con):
            build_marts(con)  # a database without marts yet
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _mart_ids (filing_id VARCHAR)")
        _insert_rows(con, "_mart_ids", ["filing_id"], [[x] for x in sorted(filing_ids)])
        con.execute(f"CREATE OR REPLACE TEMP TABLE _mart_groups AS SELECT {', '.join(GROUP_COLS)} FROM filings WHERE false")
        _insert_rows(con, "_mart_groups", list(GROUP_COLS), [list(g) for g in set(groups)])
        con.execute(f"""INSERT INTO _mart_groups SELECT DISTINCT {', '.join(GROUP_COLS)} FROM filings
                        WHERE filing_id IN (SELECT filing_id FROM _mart_ids)""")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _mart_gf AS SELECT f.* FROM filings f
                        WHERE EXISTS (SELECT 1 FROM _mart_groups g WHERE {_SAME_GROUP.format(t='f')})""")
        # the groups' rows of every base table the marts read, once: each mart then joins these small tables
        # (a narrowing inside each mart's SQL let DuckDB scan the 8M-row indicators whole for one join:
        # mart_phrases alone took 8 s at 1M filings)
        for t in _LOCAL_TABLES:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _mart_t_{t} AS SELECT {_LOCAL_COLUMNS.get(t, '*')} FROM {t} "
                        "WHERE filing_id IN (SELECT filing_id FROM _mart_gf)")  # our own names
        for name in PER_FILING:
            con.execute(f"DELETE FROM {name} WHERE filing_id IN (SELECT filing_id FROM _mart_ids)")  # our names
            sql, params = _narrowed_local(name, "_mart_ids"), []
            # (the findings list joins its filings LEFT: the outer filter keeps it to these filings too)
            sql = f"SELECT * FROM ({sql}) WHERE filing_id IN (SELECT filing_id FROM _mart_ids)"
            if name == "mart_finding_rows":  # put between their neighbours in the list's order
                con.execute(f"CREATE OR REPLACE TEMP TABLE _mart_new_rows AS {sql}", params)
                _place_finding_rows(con, "_mart_new_rows")
                con.execute("DROP TABLE _mart_new_rows")
            else:
                con.execute(f"INSERT INTO {name} BY NAME {sql}", params)
        for name in PER_GROUP:
            con.execute(f"DELETE FROM {name} t WHERE EXISTS (SELECT 1 FROM _mart_groups g WHERE {_SAME_GROUP.format(t='t')})")
            con.execute(f"INSERT INTO {name} BY NAME {_narrowed_local(name, None)}")
        con.execute(f"CREATE OR REPLACE TABLE mart_copies AS {mart_select('mart_copies')}")
        # the units of the affected places and departments, and 'all' (every filing) in the years,
        # provinces and cities involved only (as a save does: _units), not every row of mart_facts
        _units(con, [tuple(r) for r in con.execute(f"SELECT DISTINCT {', '.join(GROUP_COLUMNS)} FROM _mart_groups").fetchall()])
        for t in ("_mart_ids", "_mart_groups", "_mart_gf") + tuple(f"_mart_t_{t}" for t in _LOCAL_TABLES):
            con.execute(f"DROP TABLE {t}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _narrowed_to(name: str, ids_table: str) -> str:
    """The mart's SQL over the filings listed in `ids_table` (a temp table with a filing_id column): every
    base table it reads narrowed to their rows first, as `narrowed` does for a saved correction (the same
    result), so a refresh joins those filings' rows, not the database's (15M indicator rows at 1M filings
    were read and joined for every mart). A semi-join rather than `narrowed`'s list of ids: with thousands
    of filings in the groups the list was slower (1M filings: 0.8-3.6 s a mart against 3.4-5.4 s)."""
    return _BASE_TABLES.sub(lambda m: f"(SELECT * FROM {m.group(1)} WHERE filing_id IN (SELECT filing_id FROM {ids_table}))",
                            MART_SQL[name])


_LOCAL_TABLES = ("filings", "filing_metrics", "findings", "indicators", "indicator_reasons", "reason_texts")
# the columns the marts read of a wide table (the indicators' texts and provenance are most of its bytes)
_LOCAL_COLUMNS = {"indicators": "filing_id, seq, name, target, weight, score, src_where, parse_confidence"}
_PROBLEMS_FROM = re.compile(r"\bFROM findings GROUP BY\b")  # etl/measures.py PROBLEMS (no alias)


def _narrowed_local(name: str, ids_table: str | None) -> str:
    """The mart's SQL over refresh_marts' copies of the groups' rows (_mart_t_<table>), and only the
    filings listed in `ids_table` (None: all of the groups')."""
    only = f" WHERE filing_id IN (SELECT filing_id FROM {ids_table})" if ids_table else ""
    sql = _BASE_TABLES.sub(lambda m: f"(SELECT * FROM _mart_t_{m.group(1)}{only})", MART_SQL[name])
    return _PROBLEMS_FROM.sub(f"FROM (SELECT * FROM _mart_t_findings{only}) GROUP BY", sql)


def _place_finding_rows(con, new: str) -> None:
    """Insert the findings-list rows of `new` (a temp table of mart_finding_rows' columns, list_order the
    order among themselves; their filings have no row left in the mart) between their neighbours.

    The full build numbers the list 1..N; numbering it again after each ingest sorted and rewrote every
    row (3M at 1M filings: most of an ingest's marts). A filing's rows of one severity sit together in
    the list (it orders by severity, then filing), so each such group of new rows goes between the last
    old row before it in (severity, filing) order and the first after it; groups that fall into one gap
    share it in list order, as _finding_rows does for one filing. Only when the numbers come too close
    for a DOUBLE is the whole list numbered again. The order is the full build's (tests/test_incremental.py).

    The neighbours are found in one scan of the list that keeps only a little of it (_near_rows): the old
    rows of the new filings' id buckets one per filing, every other bucket as one row. Grouping every
    (severity, filing) of the list and two ASOF joins over that took ~10 s at 1M filings (3M rows)."""
    sev = SEVERITY_ORDER.format(c="severity")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _fr_g AS SELECT {sev} AS s, filing_id,
                    left(filing_id, {NEAR_PREFIX}) AS b, count(*) AS n FROM {new} GROUP BY ALL""")
    if not con.execute("SELECT count(*) FROM _fr_g").fetchone()[0]:
        con.execute("DROP TABLE _fr_g")
        return
    _near_rows(con, "_fr_g", "_fr_old")
    # a bucket's row stands for its filings (k = b): none of the new filings' ids start with b, so b sorts
    # before or after each of them as all of the bucket's ids do
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _fr_place AS
        WITH o AS (SELECT s, coalesce(f, b) AS k, lo, hi FROM _fr_old),
             r AS (SELECT s, max(hi) AS top, min(lo) AS bottom FROM o GROUP BY s),
             prev AS (SELECT g.s, g.filing_id, g.n, o.hi AS lo_same FROM _fr_g g
                      ASOF LEFT JOIN o ON g.s = o.s AND g.filing_id > o.k),
             nxt AS (SELECT g.s, g.filing_id, o.lo AS hi_same FROM _fr_g g
                     ASOF LEFT JOIN o ON g.s = o.s AND g.filing_id < o.k),
             gap AS (SELECT p.s, p.filing_id, p.n,
                            coalesce(p.lo_same, (SELECT max(r.top) FROM r WHERE r.s < p.s)) AS lo,
                            coalesce(x.hi_same, (SELECT min(r.bottom) FROM r WHERE r.s > p.s)) AS hi
                     FROM prev p JOIN nxt x ON x.s = p.s AND x.filing_id = p.filing_id),
             t AS (SELECT *, sum(n) OVER (PARTITION BY lo, hi) AS total,
                          coalesce(sum(n) OVER (PARTITION BY lo, hi ORDER BY s, filing_id
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS used,
                          CASE WHEN lo IS NOT NULL THEN lo WHEN hi IS NOT NULL THEN hi - 1.0 ELSE 0.0 END AS a
                   FROM gap),
             u AS (SELECT *, (coalesce(hi, a + 1.0) - a) / (total + 1) AS step FROM t)
        SELECT s, filing_id, a + step * used AS start, step,
               step < {GAP_MIN} * greatest(1.0, abs(coalesce(hi, a + 1.0))) AS tight FROM u""")
    con.execute(f"""
        INSERT INTO mart_finding_rows BY NAME
        SELECT x.* REPLACE (p.start + p.step * row_number() OVER (PARTITION BY p.s, p.filing_id ORDER BY x.list_order)
                            AS list_order)
        FROM {new} x JOIN _fr_place p ON p.s = {SEVERITY_ORDER.format(c='x.severity')} AND p.filing_id = x.filing_id""")
    if con.execute("SELECT bool_or(tight) FROM _fr_place").fetchone()[0]:
        con.execute("""
            UPDATE mart_finding_rows SET list_order = r.k
            FROM (SELECT rowid AS rid, row_number() OVER (ORDER BY list_order) AS k FROM mart_finding_rows) r
            WHERE mart_finding_rows.rowid = r.rid AND mart_finding_rows.list_order IS DISTINCT FROM r.k""")
    for t in ("_fr_g", "_fr_old", "_fr_place"):
        con.execute(f"DROP TABLE {t}")


# The findings list's rows read to place new ones: those whose filing id starts with the same NEAR_PREFIX
# characters as a new filing's, one row per (severity, filing); the rest one row per (severity, bucket).
# Filing ids begin with hex digits of the file's sha256 (etl/per_file.filing_id): 4096 buckets, so 100 new
# filings among 1M read ~2.5% of the list's filings one by one. Any ids give the same result, only slower
# when they share long prefixes.
NEAR_PREFIX = 3


def _near_rows(con, groups: str, out: str) -> None:
    """`out`: (s, b, f, lo, hi) over mart_finding_rows, s its severity rank, b the first NEAR_PREFIX
    characters of its filing id; f the filing id when b is a bucket of `groups` (a table with a column b),
    else NULL (the bucket as one row); lo and hi the least and greatest list_order. Every old row is in
    exactly one of them, so the last row before any (severity, filing) is the greatest hi of the rows
    before it, and the first after it the least lo after it."""
    sev = SEVERITY_ORDER.format(c="severity")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH x AS (SELECT {sev} AS s, left(filing_id, {NEAR_PREFIX}) AS b, filing_id, list_order FROM mart_finding_rows)
        SELECT s, b, CASE WHEN b IN (SELECT b FROM {groups}) THEN filing_id END AS f,
               min(list_order) AS lo, max(list_order) AS hi
        FROM x GROUP BY ALL""")


# ------------------------------------------------------------------ one filing changed (a saved correction)

# The base tables the marts read, as their SQL names them (`<table> <alias>`): narrowed to some filings,
# the same SQL computes those filings' rows of every mart.
_BASE_TABLES = re.compile(
    r"\b(filings|filing_metrics|findings|indicators|indicator_reasons|reason_texts|copy_clusters)\b"
    r"(?=\s+(?:f|m|x|i|ind|r|c)\b)")
PER_FILING_MARTS = ("mart_facts", "mart_finding_rows", "mart_reason_rows", "mart_copies")
GROUP_MARTS = ("mart_filings", "mart_findings", "mart_reasons", "mart_reason_texts", "mart_phrases", "mart_grades")
GROUP_COLUMNS = ("province", "city", "county", "year", "doc_kind", "department")
# New findings-list rows are numbered at least this far apart (relative to the numbers), else the whole list
# is numbered again. A DOUBLE resolves ~2e-16 of a number: at 1e-12 a gap of 1 between two of 3M rows
# takes ~300k new rows, or ~18 halvings. (At 1e-6 every insert into a full build's 1..N was "too close"
# past 1M rows, so each ingest renumbered every row.)
GAP_MIN = 1e-12
EQUALITY_LOOKUPS = 64  # up to this many filings are read one equality each, more with one IN list


def narrowed(name: str, ids: list[str]) -> tuple[str, list]:
    """The mart's SQL over the rows of the filings `ids` only (each base table read by equality per id:
    the tables' indexes and zone maps find them without a scan)."""
    params: list = []

    def one(m: re.Match) -> str:
        params.extend(ids)
        if len(ids) > EQUALITY_LOOKUPS:
            return f"(SELECT * FROM {m.group(1)} WHERE filing_id IN ({', '.join('?' * len(ids))}))"
        return "(" + " UNION ALL ".join([f"SELECT * FROM {m.group(1)} WHERE filing_id = ?"] * len(ids)) + ")"

    return _BASE_TABLES.sub(one, MART_SQL[name]), params


def _group_cond(groups: list[tuple]) -> tuple[str, list]:
    alts, params = [], []
    for g in groups:
        alts.append("(" + " AND ".join(f"{c} IS NOT DISTINCT FROM ?" for c in GROUP_COLUMNS) + ")")
        params += list(g)
    return "(" + (" OR ".join(alts) or "FALSE") + ")", params


def _finding_rows(con, ids: list[str]) -> None:
    """mart_finding_rows for the filings `ids`: their new rows put between their neighbours in list order.

    list_order is the list's rank; rather than renumbering every finding, each new row gets a number
    between the last row before it and the first row after it (the same filing's old rows are gone,
    so its neighbours are rows of the filings around it; new groups with no old row between them share
    that gap in order). Only when those numbers come too close for a DOUBLE is the whole order numbered
    again.
    """
    sql, params = narrowed("mart_finding_rows", ids)
    con.execute("CREATE OR REPLACE TEMP TABLE _jixiao_new_findings AS " + sql, params)
    new_sev = SEVERITY_ORDER.format(c="severity")
    groups = con.execute(f"SELECT {new_sev} AS s, filing_id, count(*) FROM _jixiao_new_findings "
                         "GROUP BY ALL ORDER BY 1, 2").fetchall()
    # each group's neighbours among the rows already there, every group's in one scan of the mart: plain
    # conditions on severity and filing (the last row before a group is of its severity and an earlier filing,
    # else of a more severe kind; the first after it likewise)
    ranks = ["severity = 'error'", "severity = 'warning'", "severity NOT IN ('error', 'warning')"]
    parts, params = [], []
    for s, fid, _ in groups:
        before, after = " OR ".join(ranks[:s]) or "FALSE", " OR ".join(ranks[s + 1:]) or "FALSE"
        parts += [f"max(list_order) FILTER (WHERE {ranks[s]} AND filing_id < ?)",
                  f"max(list_order) FILTER (WHERE {before})",
                  f"min(list_order) FILTER (WHERE {ranks[s]} AND filing_id > ?)",
                  f"min(list_order) FILTER (WHERE {after})"]
        params += [fid, fid]
    found = con.execute(f"SELECT {', '.join(parts)} FROM mart_finding_rows", params).fetchone() if groups else ()
    gaps = []
    for k, (s, fid, n) in enumerate(groups):
        lo_same, lo_more, hi_same, hi_less = found[4 * k:4 * k + 4]
        gaps.append((s, fid, n, lo_same if lo_same is not None else lo_more,
                     hi_same if hi_same is not None else hi_less))
    # groups sharing one gap (no existing row between them) split it, in list order
    tight = False
    shares: dict[tuple, int] = {}
    for _, _, n, lo, hi in gaps:
        shares[(lo, hi)] = shares.get((lo, hi), 0) + n
    used: dict[tuple, int] = {}
    for s, fid, n, lo, hi in gaps:
        total = shares[(lo, hi)]
        a = (0.0 if hi is None else hi - 1.0) if lo is None else lo
        b = a + 1.0 if hi is None else hi
        step = (b - a) / (total + 1)
        tight |= step < GAP_MIN * max(1.0, abs(b))
        start = a + step * used.get((lo, hi), 0)
        used[(lo, hi)] = used.get((lo, hi), 0) + n
        con.execute(f"""
            INSERT INTO mart_finding_rows
            SELECT * REPLACE ($1::DOUBLE + $2::DOUBLE * row_number() OVER (ORDER BY list_order) AS list_order)
            FROM _jixiao_new_findings WHERE {new_sev} = $3 AND filing_id = $4""", [start, step, s, fid])
    con.execute("DROP TABLE _jixiao_new_findings")
    if tight:
        con.execute("""CREATE OR REPLACE TABLE mart_finding_rows AS
                       SELECT * REPLACE (row_number() OVER (ORDER BY list_order)::DOUBLE AS list_order)
                       FROM mart_finding_rows ORDER BY list_order""")


def refresh_marts_for(con, ids: list[str], groups: list[tuple], whole=nullcontext) -> None:
    """Bring every mart up to date after the rows of the filings `ids` changed (call inside a transaction).

    `groups` are the filings' (province, city, county, year, doc_kind, department) before and after the
    change: a filing whose county or year was corrected leaves one group and joins another. Per-filing
    marts get the filings' rows again; group marts their groups' rows; mart_units the rows of the
    places and departments involved and, for all filings as one unit, of the years involved and of all
    years. The same SQL as the full build computes them (narrowed to those filings), so the marts end
    as a full rebuild would leave them (tests/test_review.py compares them). `whole(con)` is entered
    around a build of every mart (marts of an older shape), as in refresh_marts.
    """
    current_sql()
    ids = list(dict.fromkeys(ids))
    groups = list(dict.fromkeys(tuple(g) for g in groups))
    version = con.execute("SELECT any_value(value) FROM meta WHERE key = ?", [MARTS_VERSION_KEY]).fetchone()[0]
    if version != MARTS_VERSION:  # marts of an older shape: build them whole, once
        with whole(con):
            _create_all(con)
        return
    for name in PER_FILING_MARTS:
        con.execute(f"DELETE FROM {name} WHERE filing_id IN ({', '.join('?' * len(ids))})", ids)
        if name == "mart_finding_rows":
            _finding_rows(con, ids)
            continue
        sql, params = narrowed(name, ids)
        con.execute(f"INSERT INTO {name} {sql}", params)
    cond, gparams = _group_cond(groups)
    members = [r[0] for r in con.execute(f"SELECT filing_id FROM filings WHERE {cond}", gparams).fetchall()]
    for name in GROUP_MARTS:
        con.execute(f"DELETE FROM {name} WHERE {cond}", gparams)
        if members:
            sql, params = narrowed(name, members)
            con.execute(f"INSERT INTO {name} {sql}", params)
    _units(con, groups)


def _units(con, groups: list[tuple]) -> None:
    """mart_units' rows that count the filings of `groups` (their places and departments, and 'all')."""
    labels = con.execute(f"""
        SELECT DISTINCT {PLACE} AS place, coalesce(f.department, '（部门未知）') AS department
        FROM (SELECT * FROM (VALUES {', '.join(['(?, ?, ?, ?::INTEGER, ?, ?)'] * len(groups))})
              t({', '.join(GROUP_COLUMNS)})) f""", [v for g in groups for v in g]).fetchall()
    places = sorted({p for p, _ in labels})
    departments = sorted({d for _, d in labels})
    marks = lambda v: ", ".join("?" * len(v)) or "NULL"  # noqa: E731
    con.execute(f"""DELETE FROM mart_units WHERE (unit_kind = 'place' AND unit IN ({marks(places)}))
                    OR (unit_kind = 'department' AND unit IN ({marks(departments)}))""", places + departments)
    sub = f"""SELECT * FROM mart_facts f WHERE f.place IN ({marks(places)})
              OR coalesce(f.department, '（部门未知）') IN ({marks(departments)})"""
    con.execute(f"""INSERT INTO mart_units SELECT * FROM ({units_sql(sub, ('place', 'department'))}) u
                    WHERE (u.unit_kind = 'place' AND u.unit IN ({marks(places)}))
                       OR (u.unit_kind = 'department' AND u.unit IN ({marks(departments)}))""",
                places + departments + places + departments)
    # all filings as one unit: for each grain, the rows of the years, provinces and cities involved
    for grain, cols in GRAIN_COLUMNS.items():
        for key in sorted({tuple(g[GROUP_COLUMNS.index(c)] for c in cols) for g in groups}, key=str):
            cond = " AND ".join([f"{c} IS NOT DISTINCT FROM ?" for c in cols] or ["TRUE"])
            con.execute(f"DELETE FROM mart_units WHERE unit_kind = 'all' AND grain = {grain} AND {cond}", list(key))
            con.execute(f"INSERT INTO mart_units "
                        f"{units_sql(f'SELECT * FROM mart_facts f WHERE {cond}', ('all',), grain)}", list(key))
