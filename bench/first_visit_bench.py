"""The server side of each page's first visit in a server process, as a user meets it after the server started.

    uv run python bench/first_visit_bench.py [--db FILE | --filings 100000] [--repeat 3]

A page's first run in a process pays for what that process had not done yet: the modules the page imports
(a reader, a PDF library), the queries for its filters (cold cache), Plotly's validators for a new kind of
figure. bench/dashboard_bench.py times pages after one run of each (imports done) and bench/browser_bench.py
times them in Chromium, where the machine's load rules the wall time. Here each repetition is a fresh
process prepared as `python -m dashboard.serve` prepares itself (dashboard/serve.py: preload, the first
page's queries cached, gc.freeze), then every page once in the browser benchmark's order, then filter
changes on 总览 (a province, then a county in it) and two pages with the county. Printed per page: the CPU
seconds of the run (process time: what it costs whatever else the machine runs; the median over the
processes), the queries it ran, the kilobytes of its elements' messages (what the browser receives, decodes and
draws: a table's Arrow data and a Styler's CSS, a figure's JSON) and the modules it imported.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["JIXIAO_DB"] = sys.argv[2]
from pathlib import Path
from streamlit import config as st_config
st_config.set_option("browser.gatherUsageStats", False)  # as served (dashboard/.streamlit/config.toml)
st_config.set_option("server.address", "127.0.0.1")  # served to this machine: no sign-in form
from dashboard import serve
serve.preload()
serve.warm_queries(Path(sys.argv[2]))
serve._warm_words()  # in the server a background thread at start
import gc
gc.collect()
gc.freeze()
import duckdb
from streamlit.testing.v1 import AppTest
from dashboard import queries as q
con = duckdb.connect(sys.argv[2], read_only=True)
prov, county = con.execute('''SELECT province, county FROM filings WHERE county IS NOT NULL
                              GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 1''').fetchone()
con.close()
app = os.path.join(sys.argv[1], "dashboard", "app.py")
pages = json.loads(sys.argv[3])
place = {"province": prov}
both = {"province": prov, "county": county}
steps = [(p, label, {}) for p, label in pages] + [
    ("overview", "总览: a province", place), ("overview", "总览: a county", both),
    ("scorecard", "县区评分卡 with a county", both), ("compare", "对比分析 with a county", both)]
def sent(node):  # bytes of the page's elements as sent to the browser (their messages)
    proto = getattr(node, "proto", None)
    own = proto.ByteSize() if hasattr(proto, "ByteSize") else 0
    kids = getattr(node, "children", None)
    return own + (sum(sent(k) for k in kids.values()) if isinstance(kids, dict) else 0)
out = []
for page, label, params in steps:
    ran = []
    before = set(sys.modules)
    at = AppTest.from_file(app, default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py")
    with q.tracer(lambda sql, p, secs, how: ran.append(secs) if how == "run" else None):
        c = time.process_time()
        at.run()
        cpu = time.process_time() - c
    assert not at.exception, [e.value for e in at.exception]
    new = sorted({m.split(".")[0] for m in set(sys.modules) - before})
    out.append([label, cpu, len(ran), sum(ran), len(set(sys.modules) - before), new, sent(at._tree)])
print(json.dumps(out, ensure_ascii=False))
"""

PAGES = [("overview", "总览"), ("scorecard", "县区评分卡"), ("scores", "自评得分"), ("execution", "预算执行"),
         ("reasons", "偏差原因"), ("explore", "筛选查询"), ("compare", "对比分析"), ("quality", "指标质量"),
         ("detail", "填报详情"), ("upload", "数据导入")]


def pad(text: str, width: int) -> str:
    """Left-aligned in `width` columns of a terminal, where a Chinese character takes two."""
    return text + " " * max(0, width - sum(2 if ord(ch) > 0x2E7F else 1 for ch in text))


def first_visits(db: Path) -> list:
    res = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), str(db), json.dumps(PAGES, ensure_ascii=False)],
                         capture_output=True, text=True, env={**os.environ, "STREAMLIT_LOGGER_LEVEL": "error"})
    if res.returncode:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, help="database to open (default: the --filings benchmark database)")
    ap.add_argument("--filings", type=int, default=100_000, help="build (or reuse) the benchmark database")
    ap.add_argument("--repeat", type=int, default=3, help="fresh server processes (the median is printed)")
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/jixiao_bench_{args.filings}.duckdb")
    if not db.exists():
        sys.path.insert(0, str(ROOT))
        from bench.dashboard_bench import build

        build(db, args.filings)
    print(f"database {db}; load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")
    runs = [first_visits(db) for _ in range(args.repeat)]
    print(f"\n{pad('first visit (server side)', 28)} CPU s (median of {args.repeat})  queries  query s  KB sent"
          "  modules imported")
    for i, (label, *_rest) in enumerate(runs[0]):
        cpu = statistics.median(r[i][1] for r in runs)
        _, _, n, qsecs, nmods, new, size = runs[0][i]
        print(f"{pad(label, 28)} {cpu:8.2f}                  {n:5d}  {qsecs:7.2f}  {size / 1024:7.0f}"
              f"  {nmods:4d} {' '.join(new)[:60]}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
