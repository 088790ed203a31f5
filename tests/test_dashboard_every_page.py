"""Every page with a filter that matches nothing, a one-county filter and the full data.

Numbers shown are compared with counts computed from the rows the test database
was built from (tests/dashboard_db.py), never from dashboard/queries/.
"""
from __future__ import annotations

import pytest

from test_dashboard_pages import corpus_db, frame, metric, run_page  # noqa: F401 - fixture

# 攸县 has self-evaluations only: asking for its target tables matches nothing.
EMPTY = {"county": "攸县", "kind": "project_target"}
COUNTY = {"county": "攸县"}
SCOPES = {"empty": EMPTY, "county": COUNTY, "all": {}}


def rows(c, scope):
    if scope == "empty":
        return []
    if scope == "county":
        return [f for f in c.filings if f["county"] == "攸县"]
    return list(c.filings)


def ids(c, scope):
    return {f["filing_id"] for f in rows(c, scope)}


def texts(at):
    return [x.value for x in list(at.info) + list(at.caption) + list(at.markdown)]


@pytest.mark.parametrize("scope", SCOPES)
def test_overview(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    at = run_page(monkeypatch, db, **SCOPES[scope])
    if scope == "empty":
        assert any("没有填报" in t for t in texts(at))
        assert not at.metric
    else:
        assert metric(at, "填报数") == str(len(rows(c, scope)))


@pytest.mark.parametrize("scope", SCOPES)
def test_scores(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "scores", **SCOPES[scope])
    scored = [f for f in rows(c, scope) if f["total_score"] is not None]
    if scope == "empty":
        assert any("没有带自评得分的填报" in t for t in texts(at))
    else:
        assert metric(at, "有自评得分的填报") == str(len(scored))


@pytest.mark.parametrize("scope", SCOPES)
def test_execution(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "execution", **SCOPES[scope])
    mine = ids(c, scope)
    rated = [m for m in c.metrics if m["filing_id"] in mine and m["exec_rate_computed"] is not None]
    if scope == "empty":
        assert any("没有可计算执行率" in t for t in texts(at))
    else:
        assert metric(at, "有执行率的填报") == str(len(rated))
        assert metric(at, "执行率低于 90% 的填报") == str(sum(m["exec_rate_computed"] < 0.9 for m in rated))


@pytest.mark.parametrize("scope", SCOPES)
def test_reasons(monkeypatch, corpus_db, scope):
    """The empty case used to crash with "cannot convert float NaN to integer"."""
    c, db = corpus_db
    at = run_page(monkeypatch, db, "reasons", **SCOPES[scope])
    mine = ids(c, scope)
    deductions = sum(m["deductions"] for m in c.metrics if m["filing_id"] in mine)
    no_reason = sum(m["deductions_no_reason"] for m in c.metrics if m["filing_id"] in mine)
    assert metric(at, "扣分的指标") == str(deductions)
    assert metric(at, "其中未写偏差原因") == str(no_reason)
    assert metric(at, "扣分无原因占比") == ("—" if not deductions else f"{no_reason / deductions * 100:.1f}%")


@pytest.mark.parametrize("scope", SCOPES)
def test_quality(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "quality", **SCOPES[scope])
    mine = ids(c, scope)
    n = sum(x["filing_id"] in mine for x in c.findings)
    assert any(f"符合条件的问题：{n:,} 条" in t for t in texts(at))


@pytest.mark.parametrize("scope", SCOPES)
def test_detail_picker(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", **SCOPES[scope])
    if scope == "empty":
        assert any("没有符合条件的记录" in t for t in texts(at))
    else:
        assert set(frame(at, "dt_pick")["filing_id"]) == ids(c, scope)


@pytest.mark.parametrize("scope", SCOPES)
def test_upload_history_ignores_the_filter(monkeypatch, corpus_db, scope):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "upload", **SCOPES[scope])
    assert len(frame(at, "up_log")) == len(c.ingest_log)


# ----------------------------------------------------------------- bad address parameters

@pytest.mark.parametrize("bad", ["²", "①", "20x1", "1999"])
def test_bad_year_falls_back_with_a_chinese_notice(monkeypatch, corpus_db, bad):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "reasons", year=bad)
    assert any("年度" in w.value and bad in w.value for w in at.warning), [w.value for w in at.warning]
    assert metric(at, "扣分的指标") == str(sum(m["deductions"] for m in c.metrics))


@pytest.mark.parametrize("bad", ["150", "10", "abc", "9０"])
def test_bad_threshold_falls_back_to_the_default(monkeypatch, corpus_db, bad):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "execution", threshold=bad)
    assert at.slider(key="ex_threshold").value == 90
    assert any("执行率阈值" in w.value for w in at.warning), [w.value for w in at.warning]


def test_unknown_county_is_named_in_the_notice(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "overview", county="正定县", year="2021")
    assert any("正定县" in w.value for w in at.warning)
    assert metric(at, "填报数") == str(sum(f["year"] == 2021 for f in c.filings))


# ----------------------------------------------------------------- exposure beyond this machine

def _app(monkeypatch, db, **env):
    from streamlit.testing.v1 import AppTest

    from test_dashboard_pages import APP

    monkeypatch.setenv("JIXIAO_DB", str(db))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    return at


def test_bound_wide_without_a_password_shows_nothing(monkeypatch, corpus_db, listen_on):
    c, db = corpus_db
    monkeypatch.delenv("JIXIAO_PASSWORD_HASH", raising=False)
    listen_on("0.0.0.0")
    at = _app(monkeypatch, db)
    assert any("没有设置访问密码" in e.value for e in at.error)
    assert not at.metric and not at.dataframe


def test_bound_wide_every_page_needs_the_password(monkeypatch, corpus_db, listen_on):
    from dashboard.access import hash_password, reset_tries

    c, db = corpus_db
    stored = hash_password("正确的密码")
    assert "正确的密码" not in stored
    reset_tries()
    listen_on("0.0.0.0")
    at = _app(monkeypatch, db, JIXIAO_PASSWORD_HASH=stored)
    assert not at.metric
    at.text_input[0].input("wrong").run()
    at.button[0].click().run()
    assert any("密码不正确" in e.value for e in at.error) and not at.metric
    at.text_input[0].input("正确的密码").run()
    at.button[0].click().run()
    assert metric(at, "填报数") == str(len(c.filings))


def test_localhost_needs_no_password(monkeypatch, corpus_db):
    c, db = corpus_db
    at = _app(monkeypatch, db, JIXIAO_PASSWORD_HASH="scrypt$00$00")
    assert metric(at, "填报数") == str(len(c.filings))


PAGES_ALL = ["overview", "scores", "execution", "reasons", "explore", "compare", "quality", "upload"]


@pytest.mark.parametrize("page", PAGES_ALL + ["detail"])
def test_no_table_shows_none(monkeypatch, corpus_db, page):
    """Streamlit draws a missing cell as "None": every table gets "—" instead."""
    c, db = corpus_db
    params = {"filing": "F046"} if page == "detail" else {}  # 重庆: a target table, no scores or actual values
    at = run_page(monkeypatch, db, None if page == "overview" else page, **params)
    assert at.dataframe
    for d in at.dataframe:
        assert not d.value.isna().any().any(), (page, d.value.columns[d.value.isna().any()].tolist())
        assert not (d.value.astype(str) == "None").any().any(), page


@pytest.mark.parametrize("page,params,label", [
    ("quality", {"family": "nonsense"}, "问题类别"), ("quality", {"rule": "<script>"}, "规则"),
    ("scores", {"band": "95-²"}, "分数段"), ("compare", {"metric": "x"}, "指标"),
    ("explore", {"sort": "drop table"}, "排序"),
])
def test_every_bad_parameter_gets_a_notice(monkeypatch, corpus_db, page, params, label):
    c, db = corpus_db
    at = run_page(monkeypatch, db, page, **params)
    assert any(label in w.value for w in at.warning), [w.value for w in at.warning]


@pytest.mark.parametrize("page", PAGES_ALL + ["detail"])
def test_no_notice_without_bad_parameters(monkeypatch, corpus_db, page):
    c, db = corpus_db
    at = run_page(monkeypatch, db, None if page == "overview" else page)
    assert not [w.value for w in at.warning if "地址中的" in w.value]


def test_address_values_never_become_markdown(monkeypatch, corpus_db):
    """A crafted link must not make the page fetch an image from elsewhere or show a link."""
    c, db = corpus_db
    evil = "![x](http://example.com/a.png)"
    at = run_page(monkeypatch, db, "compare", focus=evil, county=evil)
    shown = [w.value for w in at.warning]
    assert any("example" in w for w in shown)
    assert not any(evil in w for w in shown)  # escaped: \!\[x\]\(http…
    at = run_page(monkeypatch, db, "quality", filing=evil)
    assert not any(evil in i.value for i in at.info)
