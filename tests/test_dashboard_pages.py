"""Every dashboard page against a real DuckDB file, through Streamlit's AppTest.

Expectations are computed from the rows the test database was built from
(tests/dashboard_db.py), not from dashboard/queries/. Every test taking
`corpus_db` (here and in the modules importing it) runs twice: over the DuckDB
file, and over the same rows written out as a Parquet lake, with its marts, and
attached to a second file (`jixiao attach`), as a national deployment reads them.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_db import FORMULA_TEXT, HTML_TEXT, build_dashboard_db

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(scope="module", params=["file", "lake"])
def corpus_db(request, tmp_path_factory):
    from etl.lake.attach import attach
    from etl.lake.from_database import export_db

    tmp = tmp_path_factory.mktemp("dash")
    path = tmp / "jixiao.duckdb"
    corpus = build_dashboard_db(path)
    if request.param == "file":
        return corpus, path
    export_db(path, tmp / "lake")
    attach(tmp / "attached.duckdb", tmp / "lake")
    return corpus, tmp / "attached.duckdb"


def run_page(monkeypatch, db: Path, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("JIXIAO_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("页面出错" in e.value for e in at.error), [e.value for e in at.error]
    return at


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return found[0]


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def figure(at: AppTest, title_part: str) -> dict:
    for fig in figures(at):
        if title_part in fig["layout"].get("title", {}).get("text", ""):
            return fig
    raise AssertionError(f"no chart titled {title_part!r}")


# Tables without row selection carry no key in the element tree: find them by their columns.
COLUMNS_OF = {
    "dt_info": {"项目", "内容"}, "dt_indicators": {"seq", "level1", "findings"}, "dt_findings": {"indicator_seq", "rule"},
    "cmp_bench_table": {"排名", "peers"}, "cmp_dept_table": {"departments"},
    "ql_phrases_table": {"phrase"}, "ql_clusters": {"cluster_id", "places"}, "up_log": {"ingested_at", "status"},
}


def frame(at: AppTest, key: str):
    for df in at.dataframe:
        if df.proto.id and df.proto.id.endswith("-" + key):
            return df.value
    if key in COLUMNS_OF:
        for df in at.dataframe:
            if COLUMNS_OF[key] <= set(df.value.columns):
                return df.value
    raise AssertionError(f"no dataframe {key!r}")


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def self_scores(rows):
    return [f["total_score"] for f in rows if f["total_score"] is not None]


# ----------------------------------------------------------------- overview and filters

def test_overview_numbers_match_the_data(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db)
    assert [t.value for t in at.title] == ["总览"]
    assert metric(at, "填报数") == "48"
    assert metric(at, "部门数") == str(len({f["department"] for f in c.filings}))
    assert metric(at, "县区数") == "5"
    assert metric(at, "年度数") == "3"
    assert metric(at, "自评得分中位数") == f"{statistics.median(self_scores(c.filings)):.1f}"
    rates = [m["exec_rate_computed"] for m in c.metrics if m["exec_rate_computed"] is not None]
    assert metric(at, "预算执行率中位数") == f"{statistics.median(rates) * 100:.1f}%"
    vague = sum(m["vague_count"] for m in c.metrics) / sum(m["indicator_count"] for m in c.metrics)
    assert metric(at, "模糊指标占比") == f"{vague * 100:.1f}%"

    fig = figure(at, "问题按类别和严重程度")
    assert sum(sum(t["y"]) for t in fig["data"]) == len(c.findings)
    errors = next(t for t in fig["data"] if t["name"] == "错误")
    by_family = dict(zip(errors["x"], errors["y"]))
    assert by_family["偏差原因"] == sum(1 for x in c.findings if x["family"] == "reason")

    worst = frame(at, "ov_worst")
    # 问题数 is the filing's rows in findings, the copy and soft-target findings written after the
    # per-file checks included (filing_metrics.finding_count misses those)
    for fid, n, n_err in worst[["filing_id", "finding_count", "error_count"]].itertuples(index=False):
        assert (n, n_err) == c.problems(fid), fid
    top = max(c.problems(f["filing_id"])[::-1] for f in c.filings)
    assert tuple(worst[["error_count", "finding_count"]].iloc[0]) == top
    assert list(worst["error_count"]) == sorted(worst["error_count"], reverse=True)


def test_sample_banner_follows_the_filter(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db)
    n_sample = sum(f["is_sample"] for f in c.filings)
    assert any(f"{n_sample} 份合成样例" in w for w in warnings(at))
    at = run_page(monkeypatch, db, province="湖南省")
    assert not any("合成样例" in w for w in warnings(at))
    at = run_page(monkeypatch, db, province="四川省")
    assert any("合成样例" in w for w in warnings(at))


def test_filters_from_url_and_sidebar_change_numbers_and_url(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, province="湖南省", year="2022")
    hunan22 = [f for f in c.filings if f["province"] == "湖南省" and f["year"] == 2022]
    assert metric(at, "填报数") == str(len(hunan22))
    assert at.sidebar.selectbox(key="f_province").value == "湖南省"

    at.sidebar.selectbox(key="f_city").set_value("株洲市").run()
    zz = [f for f in hunan22 if f["city"] == "株洲市"]
    assert metric(at, "填报数") == str(len(zz))
    assert at.query_params["city"] == ["株洲市"]
    assert at.query_params["province"] == ["湖南省"]

    # Cascade: changing the province drops a city that is not in it.
    at.sidebar.selectbox(key="f_province").set_value("安徽省").run()
    assert at.sidebar.selectbox(key="f_city").value is None
    assert "city" not in at.query_params
    assert metric(at, "填报数") == str(sum(f["province"] == "安徽省" and f["year"] == 2022 for f in c.filings))

    at.sidebar.multiselect(key="f_kinds").set_value(["dept_self_eval"]).run()
    assert metric(at, "填报数") == str(sum(f["province"] == "安徽省" and f["year"] == 2022
                                          and f["doc_kind"] == "dept_self_eval" for f in c.filings))
    assert at.query_params["kind"] == ["dept_self_eval"]

    at.sidebar.button[0].click().run()  # 清除筛选
    assert metric(at, "填报数") == "48"
    assert "province" not in at.query_params and "year" not in at.query_params


def test_department_filter_from_url(monkeypatch, corpus_db):
    c, db = corpus_db
    dept = "株洲市渌口区工商业联合会"
    at = run_page(monkeypatch, db, department=dept)
    assert metric(at, "填报数") == str(sum(f["department"] == dept for f in c.filings))
    assert metric(at, "部门数") == "1"


def test_worst_list_opens_a_filing(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db)
    worst = frame(at, "ov_worst")
    target = worst["filing_id"].iloc[2]
    at.selectbox(key="ov_worst_pick").set_value(target)
    at.button(key="ov_worst_open").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["填报详情"]
    assert at.query_params["filing"] == [target]
    info = frame(at, "dt_info")
    assert dict(zip(info["项目"], info["内容"]))["填报编号"] == target


# ----------------------------------------------------------------- scores

def test_scores_page(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scores")
    scores = self_scores(c.filings)
    assert metric(at, "有自评得分的填报") == str(len(scores))
    hist = figure(at, "自评得分分布")
    assert sum(hist["data"][0]["y"]) == len(scores)
    top_band = dict(zip(hist["data"][0]["x"], hist["data"][0]["y"]))["95–100"]
    assert top_band == sum(s >= 95 for s in scores)

    grades = figure(at, "等级分布")
    self_trace = next(t for t in grades["data"] if t["name"] == "自评等级")
    assert dict(zip(self_trace["x"], self_trace["y"]))["优"] == sum(s >= 90 for s in scores)
    assert dict(zip(self_trace["x"], self_trace["y"]))["差"] == sum(s < 60 for s in scores)

    box = figure(at, "自评得分（按县区）")
    zz = [f["total_score"] for f in c.filings if f["county"] == "渌口区" and f["total_score"] is not None]
    i = box["data"][0]["x"].index("株洲市 渌口区")
    assert box["data"][0]["median"][i] == pytest.approx(statistics.median(zz))

    scatter = figure(at, "自评得分与复核得分")
    assert len(scatter["data"][0]["x"]) == len(scores)

    inflated = frame(at, "sc_inflated")
    assert inflated["inflation"].iloc[0] == max(m["inflation"] for m in c.metrics if m["inflation"] is not None)
    assert metric(at, "虚高 10 分以上") == str(sum((m["inflation"] or 0) >= 10 for m in c.metrics))

    at.radio(key="sc_by").set_value("年度").run()
    box = figure(at, "自评得分（按年度）")
    assert sorted(box["data"][0]["x"]) == ["2021", "2022", "2023"]


def test_scores_band_list_from_url(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scores", band="95-100", county="攸县")
    band = frame(at, "sc_band_list")
    expected = [f for f in c.filings if f["county"] == "攸县" and (f["total_score"] or 0) >= 95]
    assert sorted(band["filing_id"]) == sorted(f["filing_id"] for f in expected)


# ----------------------------------------------------------------- execution

def test_execution_threshold(monkeypatch, corpus_db):
    c, db = corpus_db

    def below(t):
        return [m for m in c.metrics if m["exec_rate_computed"] is not None and m["exec_rate_computed"] < t]

    at = run_page(monkeypatch, db, "execution")
    assert metric(at, "执行率低于 90% 的填报") == str(len(below(0.9)))
    listed = frame(at, "ex_below")
    assert sorted(listed["filing_id"]) == sorted(m["filing_id"] for m in below(0.9))
    assert (listed["exec_rate"] < 0.9).all()
    hist = figure(at, "执行率分布")
    assert sum(hist["data"][0]["y"]) == sum(m["exec_rate_computed"] is not None for m in c.metrics)

    at.slider(key="ex_threshold").set_value(80).run()
    assert metric(at, "执行率低于 80% 的填报") == str(len(below(0.8)))
    assert at.query_params["threshold"] == ["80"]

    heat = figure(at, "执行率中位数（县区 × 年度）")
    assert len(heat["data"][0]["y"]) == 5  # places with execution rates (重庆 has only target tables)

    at = run_page(monkeypatch, db, "execution", threshold="70")
    assert at.slider(key="ex_threshold").value == 70
    assert metric(at, "执行率低于 70% 的填报") == str(len(below(0.7)))


def test_budget_scatter_draws_points_below_the_threshold_red(monkeypatch, corpus_db):
    """预算规模与执行率: a point is red when its 执行率 is below the page's threshold, blue otherwise (the colour
    each point resolves to through the trace's colour scale)."""
    c, db = corpus_db
    for threshold in (90, 70):
        at = run_page(monkeypatch, db, "execution", threshold=str(threshold))
        trace = figure(at, "预算规模与执行率")["data"][0]
        marker = trace["marker"]
        scale = dict((float(stop), colour) for stop, colour in marker["colorscale"])
        lo, hi = marker.get("cmin", 0), marker.get("cmax", 1)
        colours = [v if isinstance(v, str) else scale[(v - lo) / (hi - lo)] for v in marker["color"]]
        assert len(colours) == len(trace["y"]) > 0
        for rate, colour in zip(trace["y"], colours):
            assert colour == ("#d62728" if rate < threshold / 100 else "#1f77b4")
        assert any(r < threshold / 100 for r in trace["y"]) and any(r >= threshold / 100 for r in trace["y"])


def test_charts_are_sent_with_their_chinese_as_text_not_escapes(monkeypatch, corpus_db):
    """A chart's labels and hover texts reach the browser as UTF-8 (Plotly's orjson engine), not as \\uXXXX
    escapes of six bytes a character: the scatter of 1,000 filings' names was half escapes."""
    c, db = corpus_db
    at = run_page(monkeypatch, db, "execution")
    spec = next(el.proto.spec for el in at.get("plotly_chart")
                if "预算规模与执行率" in json.loads(el.proto.spec)["layout"]["title"]["text"])
    assert "预算规模与执行率" in spec and "\\u9884" not in spec
    assert json.loads(spec)["data"][0]["text"]  # the hover texts are there


# ----------------------------------------------------------------- reasons

def test_reasons_page(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "reasons")
    deductions = sum(m["deductions"] for m in c.metrics)
    no_reason = sum(m["deductions_no_reason"] for m in c.metrics)
    assert metric(at, "扣分的指标") == str(deductions)
    assert metric(at, "其中未写偏差原因") == str(no_reason)
    assert metric(at, "扣分无原因占比") == f"{no_reason / deductions * 100:.1f}%"

    cats = figure(at, "偏差原因类别")
    assert sum(sum(t["y"]) for t in cats["data"]) == len(c.reasons)

    at.text_input(key="rs_text").input("疫情").run()
    hits = frame(at, "rs_list")
    expected = [i for i in c.indicators if i["reason"] and "疫情" in i["reason"]]
    assert len(hits) == len(expected) > 0
    assert hits["reason"].str.contains("疫情").all()
    assert at.query_params["q"] == ["疫情"]

    words = figure(at, "高频词")
    assert "疫情" in words["data"][0]["y"]


def test_reason_category_filter(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "reasons", cat="R2")
    hits = frame(at, "rs_list")
    expected = {(r["filing_id"], r["indicator_seq"]) for r in c.reasons if r["category"] == "R2"}
    assert set(zip(hits["filing_id"], hits["seq"])) == expected


# ----------------------------------------------------------------- indicator quality

def test_quality_page(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "quality")
    assert any(f"符合条件的问题：{len(c.findings)} 条" in x.value for x in at.caption)
    phrases = frame(at, "ql_phrases_table")
    counts = dict(zip(phrases["phrase"], phrases["n"]))
    assert counts["效果明显"] == sum(1 for x in c.findings if x["evidence"] == "效果明显")
    clusters = frame(at, "ql_clusters")
    assert sorted(clusters["filings"]) == [2, 3]
    members = frame(at, "ql_members")
    assert len(members) == 3  # the first (largest) cluster is selected

    by_place = figure(at, "模糊指标占比（按县区）")["data"][0]
    zz = [m for m, f in zip(c.metrics, c.filings) if f["county"] == "渌口区"]
    i = by_place["y"].index("株洲市 渌口区")
    assert by_place["x"][i] == pytest.approx(sum(m["vague_count"] for m in zz) / sum(m["indicator_count"] for m in zz))


def test_findings_list_drill_down_params(monkeypatch, corpus_db):
    """The overview chart's click sends family and severity; the list shows exactly those."""
    c, db = corpus_db
    at = run_page(monkeypatch, db, "quality", family="vague", severity="warning")
    found = frame(at, "ql_findings")
    assert len(found) == sum(1 for x in c.findings if x["family"] == "vague")
    assert set(found["family"]) == {"指标模糊"}
    at.multiselect(key="qf_family").set_value(["reason"]).run()
    assert at.query_params["family"] == ["reason"]
    assert any("符合条件的问题：0 条" in x.value for x in at.caption)  # reason findings are errors; severity stays
    at.multiselect(key="qf_severity").set_value([]).run()
    assert len(frame(at, "ql_findings")) == sum(1 for x in c.findings if x["family"] == "reason")


# ----------------------------------------------------------------- filing detail

def test_detail_shows_table_findings_and_provenance(monkeypatch, corpus_db):
    c, db = corpus_db
    fid = "F006"  # deduction without reason, vague rows, full self-score
    at = run_page(monkeypatch, db, "detail", filing=fid)
    rows = frame(at, "dt_indicators")
    mine = [i for i in c.indicators if i["filing_id"] == fid]
    assert list(rows["seq"]) == [i["seq"] for i in mine]
    assert list(rows["src_where"]) == [i["src_where"] for i in mine]
    seq1 = rows[rows["seq"] == 1].iloc[0]
    assert "扣分但未填写偏差原因" in seq1["findings"]
    seq2 = rows[rows["seq"] == 2].iloc[0]
    assert "效果明显" in seq2["findings"]
    all_findings = frame(at, "dt_findings")
    assert len(all_findings) == sum(1 for x in c.findings if x["filing_id"] == fid)
    info = dict(zip(*frame(at, "dt_info").T.values))
    assert info["来源文件"] == c.filing(fid)["source_file"]
    assert metric(at, "自评得分") == "100.0"
    assert metric(at, "复核得分") == f"{c.metric(fid)['score_recomputed']:.1f}"


@pytest.mark.slow
def test_filing_text_is_never_markup(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", filing="F007")
    rows = frame(at, "dt_indicators")
    assert HTML_TEXT in set(rows["name"])
    assert FORMULA_TEXT in set(rows["reason"])
    at1 = run_page(monkeypatch, db, "detail", filing="F001")
    assert any(HTML_TEXT in t.value for t in at1.text)  # section text shown as plain text
    for page in ("overview", "scores", "execution", "reasons", "compare", "quality", "detail"):
        a = run_page(monkeypatch, db, page, filing="F007")
        for md in list(a.markdown) + list(a.caption) + list(a.subheader) + list(a.title):
            assert "<b>" not in md.value and "HYPERLINK" not in md.value, (page, md.value)


def test_detail_unknown_filing_and_picker(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", filing="NOPE")
    assert any("找不到这份填报" in e.value for e in at.error)
    at = run_page(monkeypatch, db, "detail")
    at.text_input(key="dt_search").input("教育局").run()
    listed = frame(at, "dt_pick")
    assert len(listed) == sum("教育局" in f["department"] for f in c.filings)


# ----------------------------------------------------------------- upload

def test_upload_page_shows_history(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "upload")
    assert any("50 MB" in m.value for m in at.markdown)
    log = frame(at, "up_log")
    assert len(log) == len(c.ingest_log)
    failed = log[log["status"] == "失败"]
    assert list(failed["source_file"]) == ["损坏的文件.pdf"]
    assert failed["error"].iloc[0] == "PDF 只有图片，没有文字层"
