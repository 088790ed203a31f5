"""对比分析 as benchmarking: a focus county or department against its peers, per year."""
from __future__ import annotations

import statistics

import numpy as np
import pytest

from test_dashboard_pages import corpus_db, figure, frame, metric, run_page  # noqa: F401 - fixture


def medians(c, places, year):
    """The median self-score per place label in one year."""
    out = {}
    for label, county in places.items():
        vals = [f["total_score"] for f in c.filings if f["county"] == county and f["year"] == year
                and f["total_score"] is not None]
        if vals:
            out[label] = statistics.median(vals)
    return out


HUNAN = {"株洲市 渌口区": "渌口区", "株洲市 攸县": "攸县", "益阳市 赫山区": "赫山区"}


def test_county_filter_keeps_the_peers(monkeypatch, corpus_db):
    """Choosing 攸县 in the sidebar makes it the focus; the province's other counties stay its peers."""
    c, db = corpus_db
    at = run_page(monkeypatch, db, "compare", county="攸县")
    assert at.selectbox(key="cmp_focus").value == "株洲市 攸县"
    table = frame(at, "cmp_bench_table")
    assert list(table["year"]) == [2021, 2022, 2023]
    for year in (2021, 2022, 2023):
        m = medians(c, HUNAN, year)
        row = table[table["year"] == year].iloc[0]
        assert row["value"] == pytest.approx(m["株洲市 攸县"])
        assert row["peers"] == 3  # not 1: the county is no longer its own peer group
        assert row["p50"] == pytest.approx(statistics.median(m.values()))
        assert row["p25"] == pytest.approx(np.percentile(list(m.values()), 25))
        k = 1 + sum(v > m["株洲市 攸县"] for v in m.values())
        # a self-score is ranked by height, not as merit: a high one is what needs explaining
        assert row["排名"] == f"第 {k} 高 / 3"
        assert row["样本"] == "样本少（n<5）"
    prev = medians(c, HUNAN, 2022)["株洲市 攸县"]
    now = medians(c, HUNAN, 2023)["株洲市 攸县"]
    assert metric(at, "较上年") == f"{now - prev:+.1f} 分"
    assert any("少于 5 个" in w.value for w in at.warning)
    heat = figure(at, "× 年度")["data"][0]
    assert "★ 株洲市 攸县" in heat["y"] and len(heat["y"]) == 3


def test_city_scope_and_share_metric_in_percentage_points(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "compare", focus="株洲市 渌口区", scope="city", metric="exec_rate")
    table = frame(at, "cmp_bench_table")
    assert set(table["peers"]) == {2}  # 渌口区 and 攸县

    def rate(county, year):
        ids = [f["filing_id"] for f in c.filings if f["county"] == county and f["year"] == year]
        return statistics.median(m["exec_rate_computed"] for m in c.metrics if m["filing_id"] in ids)

    row = table[table["year"] == 2023].iloc[0]
    assert row["value_share"] == pytest.approx(rate("渌口区", 2023))
    change = rate("渌口区", 2023) - rate("渌口区", 2022)
    assert row["较上年"] == f"{change * 100:+.1f} 百分点"
    heat = figure(at, "× 年度")["data"][0]
    assert heat["zmin"] == 0 and heat["colorbar"]["tickformat"] == ".0%"  # fixed scale, legend in %


def test_all_scope_department_focus(monkeypatch, corpus_db):
    c, db = corpus_db
    dept = "株洲市攸县教育局"
    at = run_page(monkeypatch, db, "compare", unit="department", focus=dept, scope="all", metric="filings")
    table = frame(at, "cmp_bench_table")
    for year in (2021, 2022, 2023):
        n_depts = len({f["department"] for f in c.filings if f["year"] == year})
        assert table[table["year"] == year]["peers"].iloc[0] == n_depts


def test_empty_filter(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "compare", county="攸县", kind="project_target")
    assert any("没有" in i.value for i in at.info)


def test_bad_focus_falls_back(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "compare", focus="不存在县", scope="nowhere")
    assert any("不存在县" in w.value for w in at.warning)
    assert at.radio(key="cmp_scope").value == "province"


def test_default_focus_is_the_unit_with_most_filings(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "compare")
    counts = {}
    for f in c.filings:
        label = f"{f['city']} {f['county']}" if f["county"] else f["province"]
        counts[label] = counts.get(label, 0) + 1
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    assert at.selectbox(key="cmp_focus").value == best
