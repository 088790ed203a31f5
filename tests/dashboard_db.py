"""A small, realistic DuckDB database for the dashboard tests.

`build_dashboard_db(path)` is the one function the tests call; once the real
pipeline exists it can ingest fixture files instead, as long as it returns the
same kind of `Corpus` (plain rows the tests compute their expectations from,
independently of dashboard/queries/).

What it holds: 6 places in 4 provinces (one without a county), 2021-2023,
departments incl. 工商业联合会, self-evaluation and target filings, indicators
with vague / scoring / reason / numbers / template findings, metrics with
recomputed scores, R0-R9 reason categories, two copy clusters, an ingest log,
text that looks like a formula or HTML, and sample filings (all of 四川省).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from etl.load.schema import create_schema, fill_reason_texts

PLACES = [
    ("湖南省", "株洲市", "渌口区"),
    ("湖南省", "株洲市", "攸县"),
    ("湖南省", "益阳市", "赫山区"),
    ("安徽省", "池州市", "贵池区"),
    ("四川省", "广元市", "昭化区"),  # the synthetic sample corpus
    ("重庆市", None, None),
]
DEPARTMENTS = ["工商业联合会", "财政局", "教育局"]
YEARS = [2021, 2022, 2023]
EXEC_RATES = [0.62, 0.75, 0.85, 0.88, 0.93, 0.97, 1.0, 1.0]
FORMULA_TEXT = '=HYPERLINK("x")'
HTML_TEXT = "<b>bold</b>"
REASON_TEXTS = {
    "R2": "上级资金下达较晚，资金未及时到位",
    "R3": "受天气影响工期延误，实施进度滞后",
    "R5": "政府采购节约资金，招标价格低于预算",
    "R8": "受疫情影响部分活动未能开展",
}


@dataclass
class Corpus:
    filings: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)
    reasons: list[dict] = field(default_factory=list)
    clusters: list[dict] = field(default_factory=list)
    ingest_log: list[dict] = field(default_factory=list)

    def filing(self, filing_id: str) -> dict:
        return next(f for f in self.filings if f["filing_id"] == filing_id)

    def metric(self, filing_id: str) -> dict:
        return next(m for m in self.metrics if m["filing_id"] == filing_id)

    def problems(self, filing_id: str) -> tuple[int, int]:
        """(findings, errors) of a filing: its rows in findings, whatever family wrote them."""
        mine = [x for x in self.findings if x["filing_id"] == filing_id]
        return len(mine), sum(x["severity"] == "error" for x in mine)


def _make_corpus() -> Corpus:
    c = Corpus()
    i = 0
    for p_idx, (province, city, county) in enumerate(PLACES):
        for year in YEARS:
            for d_idx, dept in enumerate(DEPARTMENTS):
                if county is None and d_idx > 0:
                    continue  # 重庆市: only one department, place known to the province only
                i += 1
                fid = f"F{i:03d}"
                prefix = (city or "") + (county or "") if county else province
                department = prefix + dept
                kind = ["project_self_eval", "dept_self_eval", "project_self_eval"][d_idx]
                if county is None:
                    kind = "project_target"
                if p_idx == 2 and year == 2023 and d_idx == 2:
                    kind = "self_eval_report"
                self_eval = kind != "project_target"
                adjusted = float(50 + (i * 37) % 400)
                rate = EXEC_RATES[i % len(EXEC_RATES)]
                executed = round(adjusted * rate, 2)
                reported = rate if i % 7 else round(rate + 0.1, 2)  # some printed rates disagree with B/A
                total = (100.0 if i % 6 == 0 else float(60 + (i * 13) % 40)) if self_eval else None
                inflation = (12.5 if total == 100.0 else float(i % 5 - 1)) if self_eval else None
                project = None if kind == "dept_self_eval" else f"{dept}专项经费{year}"
                if i == 5:
                    project = FORMULA_TEXT  # a formula-looking project name must export as text
                c.filings.append(dict(
                    filing_id=fid, source_file=f"{fid}_{department}.xlsx", source_sha256=f"sha{fid}", part_index=0,
                    doc_kind=kind, title=f"{year}年{department}绩效{'自评表' if self_eval else '目标表'}",
                    province=province, city=city, county=county, department=department, unit=department,
                    project=project, year=year, budget_initial=adjusted, budget_adjusted=adjusted,
                    budget_executed=executed if self_eval else None,
                    exec_rate_reported=reported if self_eval else None,
                    exec_weight=10.0 if self_eval else None,
                    exec_score=round(10 * min(rate, 1), 2) if self_eval else None,
                    total_weight=100.0 if self_eval else None, total_score=total, parse_status="ok",
                    src_page=1, src_sheet="Sheet1", src_row=1, src_where="工作表「Sheet1」 第1行",
                    is_sample=(province == "四川省"),
                ))
                n_ind = 6 + i % 4
                deductions = no_reason = vague = n_findings = n_errors = 0
                for seq in range(1, n_ind + 1):
                    target, actual, name = "≥95%", "96%", f"指标{seq}完成率"
                    score = 10.0
                    reason = None
                    if seq == 2 and i % 2 == 0:
                        target, actual = "效果明显", "达成预期指标"
                    if seq == 3 and i % 3 == 0:
                        target = "有所提高"
                    if seq == 4 and i == 7:
                        name, reason = HTML_TEXT, FORMULA_TEXT  # markup-looking text must stay text
                    if self_eval and seq == 1 and i % 3 == 0:
                        score, actual = 7.0, "80%"
                        reason = None if i % 2 == 0 else REASON_TEXTS[["R2", "R3", "R5", "R8"][(i // 6) % 4]]
                    c.indicators.append(dict(
                        filing_id=fid, seq=seq, level1="产出指标" if seq <= 4 else "效益指标",
                        level2="数量指标" if seq <= 4 else "社会效益指标", name=name, target=target,
                        actual=actual if self_eval else None,
                        weight=10.0 if self_eval else None, score=score if self_eval else None, reason=reason,
                        src_page=1, src_row=4 + seq, src_where=f"第1页 表1 第{4 + seq}行",
                    ))
                    if target in ("效果明显", "有所提高"):
                        vague += 1
                        c.findings.append(dict(filing_id=fid, indicator_seq=seq, rule="V01", family="vague",
                                               severity="warning", message=f"指标值“{target}”无法衡量，应写明数值和单位",
                                               evidence=target))
                    if self_eval and score < 10:
                        deductions += 1
                        if reason is None:
                            no_reason += 1
                            c.findings.append(dict(filing_id=fid, indicator_seq=seq, rule="R01", family="reason",
                                                   severity="error", message="扣分但未填写偏差原因",
                                                   evidence=f"分值10 得分{score:g}"))
                        else:
                            cat = next((k for k, v in REASON_TEXTS.items() if v == reason), "R0")
                            c.reasons.append(dict(filing_id=fid, indicator_seq=seq, category=cat))
                    if reason == FORMULA_TEXT:
                        c.reasons.append(dict(filing_id=fid, indicator_seq=seq, category="R0"))
                if self_eval and reported != rate:
                    c.findings.append(dict(filing_id=fid, indicator_seq=None, rule="N01", family="numbers",
                                           severity="error", message="填报执行率与全年执行数/全年预算数不一致",
                                           evidence=f"填报{reported:.0%}，计算{rate:.0%}"))
                if total == 100.0:
                    c.findings.append(dict(filing_id=fid, indicator_seq=None, rule="S01", family="scoring",
                                           severity="warning", message="自评满分但存在未完成的指标",
                                           evidence="总分100"))
                if i % 10 == 0:
                    c.findings.append(dict(filing_id=fid, indicator_seq=n_ind, rule="T01", family="template",
                                           severity="info", message="指标名称是占位符", evidence="指标2:"))
                mine = [x for x in c.findings if x["filing_id"] == fid]
                n_findings, n_errors = len(mine), sum(x["severity"] == "error" for x in mine)
                c.metrics.append(dict(
                    filing_id=fid, score_recomputed=(total - inflation) if self_eval else None, inflation=inflation,
                    exec_rate_computed=(executed / adjusted) if self_eval else None,
                    measurable_share=(n_ind - vague) / n_ind, vague_count=vague, indicator_count=n_ind,
                    deductions=deductions, deductions_no_reason=no_reason,
                    grade_computed=None, finding_count=n_findings, error_count=n_errors,
                ))
    # Copy clusters: the 工商联 of 渌口区 in 2021/2022 and of 攸县 2022; two 教育局 filings.
    gsl = [f["filing_id"] for f in c.filings if f["department"].endswith("工商业联合会")]
    c.clusters += [dict(cluster_id=1, filing_id=gsl[0], similarity=0.97),
                   dict(cluster_id=1, filing_id=gsl[1], similarity=0.95),
                   dict(cluster_id=1, filing_id=gsl[4], similarity=0.93)]
    edu = [f["filing_id"] for f in c.filings if f["department"].endswith("教育局")]
    c.clusters += [dict(cluster_id=2, filing_id=edu[0], similarity=0.9),
                   dict(cluster_id=2, filing_id=edu[-1], similarity=0.9)]
    # The cross-filing findings, written after the per-file checks as the ingest's refresh writes them: the
    # copy clusters' members and lowered targets. filing_metrics.finding_count (the per-file count) misses
    # them; a filing's problems are its rows in findings (etl/measures.py PROBLEMS).
    for m in c.clusters:
        c.findings.append(dict(filing_id=m["filing_id"], indicator_seq=None, rule="COPY_SIMILAR_INDICATORS",
                               family="copying", severity="warning", message="指标与其他项目、部门或年度几乎相同",
                               evidence=f"最高相似度={m['similarity']:.2f}"))
    for f in c.filings:
        if f["year"] == 2023 and f["department"].endswith("财政局"):
            c.findings.append(dict(filing_id=f["filing_id"], indicator_seq=1, rule="SOFT_TARGET_LOWERED",
                                   family="soft", severity="warning", message="第1项指标值比上年调低：上年≥98%，今年≥95%",
                                   evidence="上年≥98%"))
    t0 = datetime(2024, 5, 1, 9, 0, 0)
    for n, f in enumerate(c.filings):
        c.ingest_log.append(dict(run_id="run1", ingested_at=t0 + timedelta(seconds=n), source_file=f["source_file"],
                                 source_sha256=f["source_sha256"], status="loaded", error=None, filings=1, seconds=0.2))
    c.ingest_log.append(dict(run_id="run2", ingested_at=t0 + timedelta(days=1), source_file="损坏的文件.pdf",
                             source_sha256="shabad", status="failed", error="PDF 只有图片，没有文字层", filings=0,
                             seconds=0.1))
    return c


def _insert(con, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    # A registered data frame is much faster than executemany and still keeps values out of the SQL text.
    con.register("rows_df", pd.DataFrame(rows, columns=cols))
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM rows_df")
    con.unregister("rows_df")


def build_dashboard_db(path: Path) -> Corpus:
    """Create the schema at `path` and fill it; returns the rows that were written."""
    c = _make_corpus()
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        _insert(con, "filings", c.filings)
        _insert(con, "indicators", c.indicators)
        fill_reason_texts(con)
        _insert(con, "findings", c.findings)
        _insert(con, "filing_metrics", c.metrics)
        _insert(con, "indicator_reasons", c.reasons)
        _insert(con, "copy_clusters", c.clusters)
        _insert(con, "ingest_log", c.ingest_log)
        # soft-target indices per county, as the cross-year refresh writes them (all years together)
        con.executemany("""INSERT INTO soft_indices (grain, province, city, place, department, filings, indicators,
                           judged_rows, soft_rows, soft_share, money, inflation_index, linked_rows, carried_rows,
                           carried_share) VALUES ('county', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        [[p, ci, co or ci or p, 9, 60, 40, k + 1, (k + 1) / 40, 1000.0 + k, 1.5 * k, 30, k, k / 30]
                         for k, (p, ci, co) in enumerate(PLACES)])
        con.executemany("INSERT INTO sections (filing_id, seq, kind, heading, text, src_where) VALUES (?, ?, ?, ?, ?, ?)",
                        [["F001", 1, "goal_expected", "年度总体目标", "保障机关正常运转，" + HTML_TEXT, "第1页 第3行"]])
        con.executemany("INSERT INTO spending_plan (filing_id, seq, period, month, value, src_where) VALUES (?, ?, ?, ?, ?, ?)",
                        [["F001", k, f"{m}月底", m, v, "第1页 第2行"] for k, (m, v) in
                         enumerate([(3, 0.33), (6, 0.66), (10, 0.99), (12, 0.34)], start=1)])
    finally:
        con.close()
    return c


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts/dashboard_test.duckdb")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    corpus = build_dashboard_db(out)
    print(f"{out}: {len(corpus.filings)} filings, {len(corpus.indicators)} indicators, {len(corpus.findings)} findings")


def write_filings(db: Path, filings: list) -> None:
    """Write parsed-filing records (etl.records.Filing) through the loader, one source file each
    (named by the filing id), then run the cross-filing refresh as an ingest would."""
    from etl.load import store
    from etl.recheck import recheck

    with store.writer(db) as con:
        for f in filings:
            store.write_file(con, store.LoadedFile(source_file=f.source_file, sha256=f.filing_id, fmt="txt", layout="",
                                                   size=1, is_sample=False, filings=[f], findings=[], metrics=[],
                                                   reasons=[]))
    recheck(db)
