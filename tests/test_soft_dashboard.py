"""The filing page shows an indicator's earlier years with the filings to open; the indices are queryable."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import queries as q
from dashboard.queries import running
from dashboard.filtering import Filters
from dashboard_db import write_filings
from etl.check.examples import row
from etl.records import Filing

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def _filing(fid, year, kind, rows, **kw):
    return Filing(doc_kind=kind, department="示例县教育局", county="示例县", province="湖南省", year=year,
                  project=f"{year}年学生营养餐项目", indicators=rows, filing_id=fid, source_file=f"{fid}.txt",
                  source_sha256=fid, **kw)


def _db(tmp_path) -> Path:
    db = tmp_path / "soft_dash.duckdb"
    filings = [
        _filing("e22", 2022, "project_self_eval",
                [row(1, "产出指标", "数量指标", "受益学生人数", "≥1000人", "800人", 45, 45),
                 row(2, "产出指标", "质量指标", "供餐合格率", "≥95%", "95%", 45, 45)],
                budget_adjusted=100, budget_executed=70, exec_weight=10, exec_score=7, total_weight=100, total_score=97),
        _filing("t23", 2023, "project_target",
                [row(1, "产出指标", "数量指标", "受益学生人数", "≥900人"), row(2, "产出指标", "质量指标", "供餐合格率", "≥95%")]),
    ]
    write_filings(db, filings)
    return db


def test_filing_page_shows_earlier_years_with_links(tmp_path, monkeypatch):
    db = _db(tmp_path)
    monkeypatch.setenv("JIXIAO_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["filing"] = "t23"
    at.switch_page("views/detail.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "往年情况" in [h.value for h in at.subheader]
    frames = {df.proto.id.rsplit("-", 1)[-1]: df.value for df in at.dataframe if df.proto.id}
    history = frames["dt_history"]
    got = {(r["seq"], r["year"], r["target"], r["actual"], r["filing_id"]) for _, r in history.iterrows()}
    assert got == {(1, 2022, "≥1000人", "800人", "e22"), (2, 2022, "≥95%", "95%", "e22")}
    assert list(frames["dt_earlier"]["filing_id"]) == ["e22"]
    # the lowered target is among the filing's findings, with last year's value
    fnd = next(df.value for df in at.dataframe if {"rule", "message", "indicator_seq"} <= set(df.value.columns))
    from dashboard.labels import rule_title

    # the page shows rule titles in Chinese (the id only in a tooltip and in exports)
    lowered = fnd[fnd["rule"].isin(["SOFT_TARGET_LOWERED", rule_title("SOFT_TARGET_LOWERED")])]
    assert list(lowered["indicator_seq"]) == [1] and "≥1000人" in lowered["message"].iloc[0]
    # choosing the earlier filing opens it
    at.selectbox(key="dt_history_pick").set_value("e22")
    at.button(key="dt_history_open").click().run()
    assert at.query_params.get("filing") in ("e22", ["e22"])


def test_soft_indices_per_county_and_department(tmp_path):
    db = _db(tmp_path)
    running.USE_CACHE = False
    try:
        county = q.connect(db).soft_indices(Filters(), "county")
        dept = q.connect(db).soft_indices(Filters(), "department")
    finally:
        running.USE_CACHE = True
    assert list(county["place"]) == ["示例县"] and list(dept["department"]) == ["示例县教育局"]
    r = dept.iloc[0]
    # 4 numeric rows; in 2023 受益学生人数 is lowered (1000 -> 900); ≥95% is carried over unchanged
    assert (r["judged_rows"], r["soft_rows"], r["linked_rows"]) == (4, 1, 2)
    assert r["carried_share"] == 0.5
    # 97 self-scored; re-scored 45 x 800/1000 + 45 + 10 x 70 % = 88: inflation 9, weighted by the 100 万元
    assert r["inflation_index"] == 9 and r["money"] == 100
    assert q.connect(db).soft_indices(Filters(county="别的县"), "county").empty


def test_comparison_page_shows_the_soft_target_indices(tmp_path, monkeypatch):
    db = _db(tmp_path)
    monkeypatch.setenv("JIXIAO_DB", str(db))
    want = q.connect(db).soft_indices(Filters(), "county")
    assert not want.empty
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("views/compare.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "软目标指数" in [h.value for h in at.subheader]
    shown = next(df.value for df in at.dataframe if "软目标占比" in df.value.columns or "soft_share" in df.value.columns)
    col = "软目标占比" if "软目标占比" in shown.columns else "soft_share"
    # the share shown for the county is the one the soft_indices table holds (formatted as % on screen)
    got = shown[col].iloc[0]
    expected = want["soft_share"].iloc[0]
    assert got == expected or str(got) == f"{expected * 100:.1f}%", (got, expected)
    assert 0 < expected < 1
