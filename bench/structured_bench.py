"""Structured import at bulk size: a generated long-format export of ~100,000 indicator rows (~8,000
projects) imported into a new DuckDB file with `jixiao import`, as a user runs it.

Prints the wall time of the whole command (read, checks, DuckDB writes, the cross-file refresh and the
marts) and the peak RSS of its largest process, with the machine's load. Targets (issue 19): <= 10 s
and <= 500 MB on the 2-core machine.

    .venv/bin/python bench/structured_bench.py [--rows 100000] [--format xlsx|csv] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["区划代码", "年度", "部门代码", "部门名称", "项目代码", "项目名称", "一级指标名称", "二级指标名称", "三级指标代码",
          "三级指标名称", "计算符号", "指标值", "计量单位", "权重", "完成值", "得分", "偏差原因分析"]
COUNTIES = ["430202000", "430203000", "430204000", "430211000", "430212000", "430223000", "430224000", "430225000",
            "430281000", "430302000", "430304000", "430321000", "430381000", "430382000"]
DEPTS = ["教育局", "卫生健康局", "农业农村局", "交通运输局", "水利局", "民政局", "文化旅游广电体育局", "自然资源局",
         "住房和城乡建设局", "人力资源和社会保障局"]
INDICATORS = [  # (level1, level2, name, sign, low, high, unit) - invented
    ("产出指标", "数量指标", "完成建设任务数量", "≥", 10, 500, "个"), ("产出指标", "数量指标", "受益人数", "≥", 100, 20000, "人"),
    ("产出指标", "质量指标", "验收合格率", "=", 100, 100, "%"), ("产出指标", "质量指标", "设备完好率", "≥", 90, 99, "%"),
    ("产出指标", "时效指标", "按期完成率", "≥", 90, 100, "%"), ("成本指标", "经济成本指标", "单位建设成本", "≤", 50, 5000, "元"),
    ("效益指标", "社会效益指标", "服务覆盖率", "≥", 60, 98, "%"), ("效益指标", "经济效益指标", "带动增收", "≥", 5, 200, "万元"),
    ("效益指标", "可持续影响指标", "长效管护机制", "定性", 0, 0, ""), ("满意度指标", "服务对象满意度指标", "群众满意度", "≥", 85, 95, "%"),
    ("产出指标", "数量指标", "培训人次", "≥", 50, 3000, "人次"), ("产出指标", "数量指标", "改造面积", "≥", 100, 90000, "平方米"),
    ("效益指标", "生态效益指标", "绿化覆盖率", "≥", 30, 60, "%"), ("产出指标", "质量指标", "资金使用合规率", "=", 100, 100, "%"),
    ("效益指标", "社会效益指标", "事故发生率", "≤", 0, 2, "%"),
]


def rows(n_rows: int, seed: int = 19) -> list[list]:
    """~12.5 indicator rows a project, projects spread over counties, departments and two years."""
    rng = random.Random(seed)
    out: list[list] = []
    p = 0
    while len(out) < n_rows:
        p += 1
        county = COUNTIES[p % len(COUNTIES)]
        d = rng.randrange(len(DEPTS))
        year = 2022 + p % 2
        code = f"{county[:6]}{year % 100:02d}{d:02d}R{p:010d}"  # 21 characters, as published codes are
        k = min(rng.randint(10, 15), n_rows - len(out))
        picks = rng.sample(INDICATORS, k)
        for j, (l1, l2, name, sign, lo, hi, unit) in enumerate(picks, start=1):
            if sign == "定性":
                target = actual = "有效建立"
            else:
                target = rng.randint(lo, hi)
                actual = target if rng.random() < 0.8 else round(target * rng.uniform(0.8, 1.1))
            weight = 10 if j < k else 100 - 10 * (k - 1) if k <= 10 else 5
            score = weight if actual == target else round(weight * 0.8, 1)
            reason = "" if actual == target else "受天气影响进度滞后，下年度加强调度"
            out.append([county, year, f"{county[:6]}{d:03d}", f"示范县{DEPTS[d]}", code, f"示范项目{p:05d}", l1, l2,
                        f"{j:02d}", name, sign, target, unit, weight, actual, score, reason])
    return out


def write_xlsx(path: Path, data: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目绩效自评")
    ws.append(["示例数据：合成的系统导出（基准测试）"])
    ws.append(HEADER)
    for r in data:
        cells = []
        for v in r:
            if isinstance(v, str):
                c = WriteOnlyCell(ws, value=v)
                c.data_type = "s"
                cells.append(c)
            else:
                cells.append(v)
        ws.append(cells)
    wb.save(path)


def write_csv(path: Path, data: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(data)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    ap.add_argument("--keep", type=Path, help="folder to keep the export and the database in")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jixiao_structured_"))
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / f"sample_bulk_{args.rows}.{args.format}"
    db = folder / "bulk.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    data = rows(args.rows)
    (write_xlsx if args.format == "xlsx" else write_csv)(export, data)
    projects = len({r[4] for r in data})
    print(f"export: {len(data):,} indicator rows, {projects:,} projects, {export.stat().st_size / 1e6:.1f} MB "
          f"({args.format}, written in {time.perf_counter() - t:.1f} s)")
    del data
    load0 = os.getloadavg()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "etl.cli", "import", str(export), "--db", str(db), "-q"],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (kids.ru_utime - cpu0.ru_utime) + (kids.ru_stime - cpu0.ru_stime)  # every process of the import
    peak_mb = kids.ru_maxrss / 1024
    print(proc.stdout.strip())
    if proc.returncode:
        print(proc.stderr[-3000:])
        raise SystemExit(proc.returncode)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    n_f, n_i, n_x = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("filings", "indicators", "findings"))
    con.close()
    load1 = os.getloadavg()
    print(f"import: {wall:.1f} s wall, {cpu:.1f} s CPU (all its processes), peak RSS {peak_mb:.0f} MB (largest process); {n_f:,} filings, "
          f"{n_i:,} indicators, {n_x:,} findings; load before {load0[0]:.1f}, after {load1[0]:.1f} (1-min)")
    print(f"targets: <= 10 s {'met' if wall <= 10 else 'NOT met'}, <= 500 MB {'met' if peak_mb <= 500 else 'NOT met'}")
    if args.keep is None:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
