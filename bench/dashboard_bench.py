"""Dashboard benchmark: a 100k-filing database, each page's server render time, each query's p50/p95,
and saving a correction (etl/review) with the marts it touches.

    uv run python bench/dashboard_bench.py [--filings 100000] [--db PATH] [--reuse [--rebuild-marts]]
                                           [--repeat 15] [--no-exports] [--only NAME…]

The database is generated with DuckDB SQL (range() and hash-based pseudo-random
values: seconds, not minutes), then its marts are built as every ingest builds
them (etl/marts). Page times come from Streamlit's AppTest (the server side of a
page render: script run, queries, figures), cold (empty cache) and warm. Query
times call dashboard/queries/ with its cache off. The load average is printed:
on a shared machine the figures rise with it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest warns on every run otherwise

import duckdb  # noqa: E402
from streamlit import config as st_config  # noqa: E402

from etl.load.schema import create_schema, fill_reason_texts  # noqa: E402
from etl.marts import build_marts  # noqa: E402

PROVINCES = ["湖南省", "安徽省", "四川省", "云南省", "福建省", "江西省", "河南省", "广西壮族自治区"]
CITIES = ["株洲", "益阳", "岳阳", "常德", "衡阳", "邵阳"]
COUNTY_PREFIX = ["东", "西", "南", "北", "中"]
DEPARTMENTS = ["工商业联合会", "财政局", "教育局", "卫生健康局", "民政局", "农业农村局", "交通运输局", "水利局",
               "自然资源局", "住房和城乡建设局", "文化旅游局", "市场监督管理局", "人力资源和社会保障局", "司法局",
               "生态环境局", "林业局", "统计局", "审计局", "科学技术局", "退役军人事务局"]
KINDS = ["project_self_eval", "project_self_eval", "dept_self_eval", "project_target", "self_eval_report"]
VAGUE = ["效果明显", "有所提高", "不断提升", "进一步改善", "较好", "明显改善", "按计划完成", "达成预期指标"]
REASONS = ["上级资金下达较晚，资金未及时到位", "受天气影响工期延误，实施进度滞后", "政府采购节约资金，招标价格低于预算",
           "受疫情影响部分活动未能开展", "项目尚未验收，尾款未支付", "预算编制不够准确", "无", "服务对象数量减少"]


def sql_list(values: list[str]) -> str:
    # Our own constant word lists, spliced as a literal for the generator only.
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def build(path: Path, n: int) -> None:
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    create_schema(con)
    h = "(hash(i * 1000003 + {k}) % {m})"  # pseudo-random integer in [0, m) for row i
    t0 = time.time()
    con.execute(f"""
        INSERT INTO filings (filing_id, source_file, source_sha256, part_index, doc_kind, title, province, city, county,
            department, unit, project, year, budget_initial, budget_adjusted, budget_executed, exec_rate_reported,
            exec_weight, exec_score, total_weight, total_score, parse_status, src_page, src_row, src_where, is_sample)
        SELECT filing_id, 'bench_' || (i // 3) || '.xlsx', 'sha' || (i // 3), (i % 3)::INT, kind,
               year || '年' || department || '绩效表', province, city, county, department, department,
               CASE WHEN kind <> 'dept_self_eval' THEN department || '专项' || (i % 7) END, year,
               budget, budget, CASE WHEN self_eval THEN round(budget * rate, 2) END,
               CASE WHEN self_eval THEN round(rate, 2) END, CASE WHEN self_eval THEN 10 END,
               CASE WHEN self_eval THEN round(10 * least(rate, 1), 2) END,
               CASE WHEN self_eval THEN 100 END, CASE WHEN self_eval THEN score END,
               'ok', 1, 1, '第1页 第1行', i % 50 = 0
        FROM (
            SELECT i, 'B' || lpad(i::VARCHAR, 7, '0') AS filing_id,
                   {sql_list(KINDS)}[1 + {h.format(k=1, m=len(KINDS))}::INT] AS kind,
                   {sql_list(PROVINCES)}[1 + {h.format(k=2, m=len(PROVINCES))}::INT] AS province,
                   {sql_list(CITIES)}[1 + {h.format(k=3, m=len(CITIES))}::INT] AS city0,
                   city0 || '市' AS city,
                   {sql_list(COUNTY_PREFIX)}[1 + {h.format(k=4, m=len(COUNTY_PREFIX))}::INT] || city0 || '区' AS county,
                   county || {sql_list(DEPARTMENTS)}[1 + {h.format(k=5, m=len(DEPARTMENTS))}::INT] AS department,
                   2019 + {h.format(k=6, m=5)}::INT AS year,
                   10 + {h.format(k=7, m=5000)}::DOUBLE AS budget,
                   0.5 + {h.format(k=8, m=60)}::DOUBLE / 100 AS rate,
                   60 + {h.format(k=9, m=41)}::DOUBLE AS score,
                   kind <> 'project_target' AS self_eval
            FROM range({int(n)}) t(i)
        )
    """)
    con.execute(f"""
        INSERT INTO indicators (filing_id, seq, level1, level2, name, target, actual, weight, score, reason, src_page,
                                src_row, src_where)
        SELECT filing_id, seq, CASE WHEN seq <= 8 THEN '产出指标' WHEN seq <= 12 THEN '效益指标' ELSE '满意度指标' END,
               '数量指标', '指标' || seq, CASE WHEN v < 15 THEN {sql_list(VAGUE)}[1 + v % {len(VAGUE)}] ELSE '≥95%' END,
               '96%', 6, CASE WHEN d THEN 4 ELSE 6 END,
               CASE WHEN d AND v % 3 <> 0 THEN {sql_list(REASONS)}[1 + v % {len(REASONS)}] END,
               1, 4 + seq, '第1页 表1 第' || (4 + seq) || '行'
        FROM (
            SELECT filing_id, seq, (hash(filing_id || seq) % 100)::INT AS v, (hash(seq || filing_id) % 10) = 0 AS d
            FROM (SELECT filing_id, unnest(generate_series(1, 10 + (hash(filing_id) % 11)::INT)) AS seq FROM filings)
        )
    """)
    fill_reason_texts(con)
    con.execute(f"""
        INSERT INTO findings (filing_id, indicator_seq, rule, family, severity, message, evidence)
        SELECT filing_id, seq, 'V01', 'vague', 'warning', '指标值无法衡量', target FROM indicators
        WHERE target <> '≥95%'
        UNION ALL
        SELECT filing_id, seq, 'R01', 'reason', 'error', '扣分但未填写偏差原因', '得分' || score FROM indicators
        WHERE score < weight AND (reason IS NULL OR reason = '无')
        UNION ALL
        SELECT filing_id, NULL, 'N01', 'numbers', 'error', '执行率不一致', NULL FROM filings WHERE hash(filing_id) % 9 = 0
        UNION ALL
        SELECT filing_id, NULL, 'T01', 'template', 'info', '占位符', '指标2:' FROM filings WHERE hash(filing_id) % 13 = 0
    """)
    con.execute("""
        INSERT INTO indicator_reasons (filing_id, indicator_seq, category)
        SELECT filing_id, seq, ['R2', 'R3', 'R5', 'R8', 'R4', 'R6', 'R0', 'R7'][1 + list_position(
            ['上级资金下达较晚，资金未及时到位', '受天气影响工期延误，实施进度滞后', '政府采购节约资金，招标价格低于预算',
             '受疫情影响部分活动未能开展', '项目尚未验收，尾款未支付', '预算编制不够准确', '无', '服务对象数量减少'],
            reason) - 1]
        FROM indicators WHERE reason IS NOT NULL
    """)
    con.execute("""
        INSERT INTO filing_metrics
        SELECT f.filing_id, f.total_score - infl, CASE WHEN f.total_score IS NOT NULL THEN infl END,
               f.budget_executed / nullif(f.budget_adjusted, 0), 1 - i.vague::DOUBLE / i.n, i.vague, i.n, i.ded,
               i.ded_nr, NULL, coalesce(x.n, 0), coalesce(x.err, 0)
        FROM (SELECT *, (hash(filing_id) % 15)::DOUBLE - 2 AS infl FROM filings) f
        JOIN (SELECT filing_id, count(*) AS n, count(*) FILTER (WHERE target <> '≥95%') AS vague,
                     count(*) FILTER (WHERE score < weight) AS ded,
                     count(*) FILTER (WHERE score < weight AND (reason IS NULL OR reason = '无')) AS ded_nr
              FROM indicators GROUP BY filing_id) i ON i.filing_id = f.filing_id
        LEFT JOIN (SELECT filing_id, count(*) AS n, count(*) FILTER (WHERE severity = 'error') AS err
                   FROM findings GROUP BY filing_id) x ON x.filing_id = f.filing_id
    """)
    con.execute("""
        INSERT INTO copy_clusters
        SELECT (row_number() OVER (ORDER BY filing_id) - 1) // 3, filing_id, 0.9 + (hash(filing_id) % 10) / 100
        FROM filings WHERE hash(filing_id) % 20 = 0
    """)
    # the cross-year tables (etl/link), as the filing page reads them: a series is a department's project
    # in one province; each filing is linked to one filing of its series a year earlier
    con.execute("""
        INSERT INTO indicator_keys
        SELECT i.filing_id, i.seq, f.province || f.department || coalesce(f.project, ''), f.year,
               i.level2 || '|' || i.name || '|%', i.name, '%', 95, '%', 96, i.target
        FROM indicators i JOIN filings f ON f.filing_id = i.filing_id
        ORDER BY 3, 4, 1, 2  -- series by series, as etl/link/tables.py writes them
    """)
    con.execute("""
        INSERT INTO filing_links
        WITH s AS (SELECT filing_id, province || department || coalesce(project, '') AS series_id, year FROM filings),
             first AS (SELECT series_id, year, min(filing_id) AS filing_id FROM s GROUP BY ALL)
        SELECT s.filing_id, p.filing_id, s.series_id, s.year, p.year, 'dept', 1
        FROM s JOIN first p ON p.series_id = s.series_id AND p.year = s.year - 1
    """)
    con.execute("""
        INSERT INTO ingest_log (run_id, ingested_at, source_file, source_sha256, status, error, filings, seconds)
        SELECT 'run' || (i // 1000), TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND, 'bench_' || i || '.xlsx',
               'sha' || i, CASE WHEN i % 97 = 0 THEN 'failed' ELSE 'loaded' END,
               CASE WHEN i % 97 = 0 THEN '无法读取' END, 3, 0.2
        FROM range(34000) t(i)
    """)
    con.execute("CHECKPOINT")
    t1 = time.time()
    build_marts(con)  # as every ingest does after loading (etl/pipeline.py)
    con.execute("CHECKPOINT")
    print(f"marts built in {time.time() - t1:.1f}s")
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("filings", "indicators", "findings", "indicator_reasons", "copy_clusters", "indicator_keys",
                        "filing_links")}
    con.close()
    print(f"built {path} in {time.time() - t0:.1f}s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"file size {path.stat().st_size / 1e6:.0f} MB")


def pick_filters(db: Path):
    from dashboard.filtering import Filters

    con = duckdb.connect(str(db), read_only=True)
    prov, city, county, dept, fid = con.execute(
        # the same filing over a file and a lake; of the last year, so its earlier years are shown too
        "SELECT province, city, county, department, filing_id FROM filings WHERE doc_kind = 'project_self_eval' "
        "AND year = (SELECT max(year) FROM filings) ORDER BY filing_id LIMIT 1"
    ).fetchone()
    con.close()
    return fid, {
        "全部": Filters(),
        "省": Filters(province=prov),
        "县区+年度": Filters(province=prov, city=city, county=county, years=(2022,)),
        "部门": Filters(department=dept),
    }


def time_queries(db: Path, repeat: int, only: list[str] | None = None) -> list[tuple[str, float, float]]:
    from dashboard import queries as q
    from dashboard.filtering import Filters
    from dashboard.queries import explorer as ex
    from dashboard.queries import review_queue as rq
    from dashboard.queries import running
    from etl.measures import PLACE

    running.USE_CACHE = False
    qs = q.connect(db)
    fid, variants = pick_filters(db)
    con = duckdb.connect(str(db), read_only=True)
    focus, dept = con.execute(f"SELECT {PLACE}, f.department FROM filings f LIMIT 1").fetchone()
    con.close()
    inflated = ex.Conditions(score=(95, None), exec_rate=(None, 0.8))
    combined = ex.Conditions(families=("vague",), reason="no_reason", sort="exec_rate", descending=False)
    cases = {
        "place_options": lambda f: qs.place_options(),
        "year_options": lambda f: qs.year_options(),
        "kind_options": lambda f: qs.kind_options(),
        "department_options": lambda f: qs.department_options(f),
        "sample_count": lambda f: qs.sample_count(f),
        "overview_counts": lambda f: qs.overview_counts(f),
        "findings_by_family_severity": lambda f: qs.findings_by_family_severity(f),
        "worst_filings": lambda f: qs.worst_filings(f),
        "score_histogram": lambda f: qs.score_histogram(f),
        "score_box": lambda f: qs.score_box(f),
        "grade_bands": lambda f: qs.grade_bands(f),
        "score_vs_recomputed": lambda f: qs.score_vs_recomputed(f),
        "inflation_summary": lambda f: qs.inflation_summary(f),
        "most_inflated": lambda f: qs.most_inflated(f),
        "filings_by_score": lambda f: qs.filings_by_score(f, 90, 95),
        "exec_histogram": lambda f: qs.exec_histogram(f),
        "exec_below": lambda f: qs.exec_below(f, 0.9),
        "budget_vs_exec": lambda f: qs.budget_vs_exec(f),
        "exec_by_place_year": lambda f: qs.exec_by_place_year(f),
        "reason_summary": lambda f: qs.reason_summary(f),
        "no_reason_by_group": lambda f: qs.no_reason_by_group(f),
        "reason_categories": lambda f: qs.reason_categories(f),
        "reason_search(疫情)": lambda f: qs.reason_search(f, "疫情"),
        "reason_texts": lambda f: qs.reason_texts(f),
        "focus_options": lambda f: qs.focus_options(f, "place"),
        "benchmark(place, province)": lambda f: qs.benchmark(f, "place", focus, "province", "exec_rate"),
        "benchmark(department, all)": lambda f: qs.benchmark(f, "department", dept, "all", "self_score"),
        "peer_matrix(place, province)": lambda f: qs.peer_matrix(f, "place", focus, "province", "self_score"),
        "explorer count (preset ≥95 <80%)": lambda f: ex.count(qs, f, inflated),
        "explorer page (preset ≥95 <80%)": lambda f: ex.page(qs, f, inflated),
        "explorer count (rule+reason)": lambda f: ex.count(qs, f, combined),
        "explorer page (rule+reason)": lambda f: ex.page(qs, f, combined, 3),
        "explorer vague departments": lambda f: qs.department_vague_ranking(f),
        "department_across_places": lambda f: qs.department_across_places(f, "工商", "self_score"),
        "vague_by_group(place)": lambda f: qs.vague_by_group(f, "place"),
        "vague_by_group(department)": lambda f: qs.vague_by_group(f, "department"),
        "vague_phrases": lambda f: qs.vague_phrases(f),
        "finding_rules": lambda f: qs.finding_rules(f),
        "findings_list": lambda f: qs.findings_list(f),
        "copy_clusters": lambda f: qs.copy_clusters(f),
        "copy_cluster_members": lambda f: qs.copy_cluster_members(7),
        "find_filings": lambda f: qs.find_filings(f, "教育"),
        "filing": lambda f: qs.filing(fid),
        "filing_indicators": lambda f: qs.filing_indicators(fid),
        "filing_findings": lambda f: qs.filing_findings(fid),
        "review_queue": lambda f: rq.queue(qs, f, rq.QueueFilter()),
        "review_counts": lambda f: rq.counts(qs, f, rq.QueueFilter()),
        "unverified_counts": lambda f: rq.unverified_counts(qs, f),
        "filing_sections": lambda f: qs.filing_sections(fid),
        "filing_plan": lambda f: qs.filing_plan(fid),
        "filing_clusters": lambda f: qs.filing_clusters(fid),
        "filing_earlier_years": lambda f: qs.filing_earlier_years(fid),
        "indicator_history": lambda f: qs.indicator_history(fid),
        "indicator_row": lambda f: qs.indicator_row(fid, 1),
        "ingest_log": lambda f: qs.ingest_log(),
        "scorecard(place)": lambda f: qs.scorecard(f.place_only() if f.county is None else Filters(province=f.province)),
        "scorecard(department, 教育)": lambda f: qs.scorecard(Filters(province=f.province), "department", "教育"),
        "function_options": lambda f: qs.function_options(Filters(province=f.province)),
    }
    results = []
    t = time.perf_counter()
    for _ in range(10):
        duckdb.connect(str(db), read_only=True).close()
    results.append(("(open + close a read-only connection)", (time.perf_counter() - t) / 10, 0.0))
    session = q.page_session()  # as in the app: one connection per page run
    session.__enter__()
    qs.year_options()
    for name, fn in cases.items():
        if only and not any(o in name for o in only):
            continue
        times = []
        for _ in range(repeat):
            for f in variants.values():
                t = time.perf_counter()
                fn(f)
                times.append(time.perf_counter() - t)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        results.append((name, statistics.median(times), p95))
    session.__exit__(None, None, None)
    running.USE_CACHE = True
    return results


def time_pages(db: Path) -> list[tuple[str, float, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["JIXIAO_DB"] = str(db)
    os.environ.setdefault("JIXIAO_REVIEWER", "bench")  # the review page's editors, as a reviewer sees them
    fid, _ = pick_filters(db)
    app = str(ROOT / "dashboard" / "app.py")
    pages = [("总览", None, {}), ("县区评分卡", "scorecard", {}), ("县区评分卡（部门，教育）", "scorecard", {"unit": "department", "function": "教育"}),
             ("自评得分", "scores", {}), ("预算执行", "execution", {}), ("偏差原因", "reasons", {}),
             ("筛选查询", "explore", {}), ("筛选查询（预设 ≥95 <80%）", "explore", {"smin": "95", "emax": "80"}),
             ("对比分析", "compare", {}), ("对比分析（部门，全部）", "compare", {"unit": "department", "scope": "all"}), ("指标质量", "quality", {}), ("填报详情", "detail", {"filing": fid}),
             ("数据导入", "upload", {}), ("复核队列", "review", {}), ("复核队列（一份填报）", "review", {"filing": fid})]

    def render(page, params):
        at = AppTest.from_file(app, default_timeout=300)
        for k, v in params.items():
            at.query_params[k] = v
        if page:
            at.switch_page(f"views/{page}.py")
        t, c = time.perf_counter(), time.process_time()
        at.run()
        dt, dc = time.perf_counter() - t, time.process_time() - c
        assert not at.exception, [e.value for e in at.exception]
        assert not [e.value for e in at.error if "页面出错" in e.value], f"page {page} failed (see the log above)"
        return dt, dc

    for _, page, params in pages:  # imports, jieba's dictionary: once per server process, not per render
        render(page, params)
    out = []
    for label, page, params in pages:
        st.cache_data.clear()
        cold, cold_cpu = render(page, params)
        warm = statistics.median(render(page, params)[0] for _ in range(3))
        out.append((label, cold, warm, cold_cpu))
    return out


EXPORT_PROBE = """
import resource, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from dashboard import full_export
from dashboard import queries as q
from dashboard.queries import explorer as ex
from dashboard.filtering import Filters
db, fmt = Path(sys.argv[2]), sys.argv[3]
qs = q.connect(db)
qs.has_confidence  # imports and a first query before the baseline
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
with tempfile.TemporaryFile() as fh:
    n = full_export.write(db, *ex.export_sql(qs, Filters(), ex.Conditions()), fmt, fh,
                          **({"sheet": "筛选结果"} if fmt == "xlsx" else {}))
    size = fh.tell()
dt = time.perf_counter() - t
print(n, dt, size, base / 1024, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
"""


def time_exports(db: Path) -> list[tuple[str, int, float, float, float]]:
    """Full explorer exports of every filing, each in a fresh process: rows, seconds, MB, peak RSS growth MB."""
    import subprocess

    out = []
    for fmt in ("csv", "xlsx"):
        res = subprocess.run([sys.executable, "-c", EXPORT_PROBE, str(ROOT), str(db), fmt], capture_output=True,
                             text=True, env={**os.environ, "STREAMLIT_LOGGER_LEVEL": "error"})
        n, dt, size, base, growth = res.stdout.split()[-5:]
        out.append((f"{fmt.upper()} ({float(size) / 1e6:.0f} MB file)", int(n), float(dt), float(base), float(growth)))
    return out


def keep_source(db: Path) -> None:
    """Give the picked filing's file a real source copy: its three filings rendered to text (etl/write), kept in
    source_blobs under the hash of those bytes, so the review page reads and marks a real file."""
    import hashlib

    from etl.load.readback import read_filings
    from etl.review.blobs import copy_limit_bytes, pack
    from etl.write import render

    fid, _ = pick_filters(db)
    con = duckdb.connect(str(db))
    try:
        old = con.execute("SELECT source_sha256 FROM filings WHERE filing_id = ?", [fid]).fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT filing_id FROM filings WHERE source_sha256 = ? ORDER BY part_index",
                                         [old]).fetchall()]
        data = render(read_filings(con, ids), "txt")
        sha = hashlib.sha256(data).hexdigest()
        codec, size, payload = pack(data, copy_limit_bytes())
        con.execute("UPDATE filings SET source_sha256 = ? WHERE source_sha256 = ?", [sha, old])
        con.execute("DELETE FROM source_blobs WHERE source_sha256 = ?", [sha])
        con.execute("INSERT INTO source_blobs VALUES (?, ?, ?, ?)", [sha, codec, size, payload])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def time_saves(db: Path, repeat: int) -> list[tuple[str, float, float]]:
    """Saving a correction through etl/review/ledger.py as the page does (open the file for writing, replace the
    filing's rows and findings, update every mart that counts it, commit): p50 and max seconds."""
    from etl.review.edits import SET, Correction
    from etl.review.ledger import save_to

    fid, _ = pick_filters(db)
    cases = {
        "指标值": lambda k: [Correction(kind=SET, row_key="p1", field="target", new_value=["效果明显", "≥95%"][k % 2])],
        "得分": lambda k: [Correction(kind=SET, row_key="p2", field="score", new_value=[4, 6][k % 2])],
        "县区（换组）": lambda k: [Correction(kind=SET, field="county", new_value=["基准县", "另一县"][k % 2])],
    }
    save_to(db, fid, cases["得分"](1), "bench")  # imports and the first open of the file, not timed
    out = []
    for name, edits in cases.items():
        times, cpu = [], []
        for k in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            save_to(db, fid, edits(k), "bench", "基准测试")
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)  # every thread's CPU time: what it costs whatever else runs
        out.append((name, statistics.median(times), max(times), statistics.median(cpu)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filings", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/jixiao_bench.duckdb"))
    ap.add_argument("--reuse", action="store_true", help="keep an existing benchmark database")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query and filter variant")
    ap.add_argument("--rebuild-marts", action="store_true", help="with --reuse: rebuild the marts (after changing them)")
    ap.add_argument("--no-exports", action="store_true", help="skip the full exports (minutes at 1M filings)")
    ap.add_argument("--only", nargs="*", help="time only the queries whose names contain one of these")
    ap.add_argument("--no-saves", action="store_true", help="skip timing saved corrections (they write the database)")
    args = ap.parse_args()
    if not (args.reuse and args.db.exists()):
        build(args.db, args.filings)
    elif args.rebuild_marts:
        con = duckdb.connect(str(args.db))
        t = time.time()
        build_marts(con)
        con.execute("CHECKPOINT")
        con.close()
        print(f"marts rebuilt in {time.time() - t:.1f}s")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    keep_source(args.db)

    print("\nquery                              p50 ms   p95 ms   (4 filter variants x repeat, cache off, one open connection)")
    slow_q = []
    for name, p50, p95 in time_queries(args.db, args.repeat, args.only):
        flag = "  <-- over 100 ms" if p95 > 0.1 else ""
        slow_q += [name] if flag else []
        print(f"{name:34s} {p50 * 1000:7.1f}  {p95 * 1000:7.1f}{flag}")

    print("\nfull export of every filing (explorer)   rows      s   RSS before MB   peak RSS growth MB")
    for name, n, dt, base, growth in ([] if args.no_exports else time_exports(args.db)):
        print(f"{name:38s} {n:7,} {dt:6.1f} {base:14.0f} {growth:18.0f}")

    print("\nsave a correction (open, rows, findings, marts, commit)   p50 s   max s   CPU s (p50, all threads)")
    slow_s = []
    for name, p50, worst, cpu in ([] if args.no_saves else time_saves(args.db, max(3, args.repeat))):
        flag = "  <-- over 1 s" if worst > 1.0 else ""
        slow_s += [name] if flag else []
        print(f"{name:54s} {p50:6.2f}  {worst:6.2f}  {cpu:6.2f}{flag}")

    st_config.set_option("server.address", "127.0.0.1")  # served to this machine: no sign-in form
    print("\npage (AppTest server render)   cold s   warm s   cold CPU s   (cold = empty query cache)")
    slow_p = []
    for label, cold, warm, cpu in time_pages(args.db):
        flag = "  <-- over 0.5 s" if cold > 0.5 else ""
        slow_p += [label] if flag else []
        print(f"{label:28s} {cold:7.2f}  {warm:7.2f}  {cpu:9.2f}{flag}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nqueries over 100 ms p95: {slow_q or 'none'}; pages over 0.5 s cold: {slow_p or 'none'}; "
          f"saves over 1 s: {slow_s or 'none'}")


if __name__ == "__main__":
    main()
