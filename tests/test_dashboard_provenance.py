"""The filing page: numbers and source positions together, the filing's own 问题清单, the row as read."""
from __future__ import annotations

import pandas as pd

from test_dashboard_pages import corpus_db, frame, run_page  # noqa: F401 - fixture


def test_indicator_number_and_source_first(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", filing="F006")
    rows = frame(at, "dt_indicators")
    assert list(rows.columns[:2]) == ["seq", "src_where"]
    assert list(rows.columns).index("reason") < 9
    findings = frame(at, "dt_findings")
    mine = {i["seq"]: i["src_where"] for i in c.indicators if i["filing_id"] == "F006"}
    for seq, where in zip(findings["indicator_seq"], findings["src_where"]):
        if seq != "—":  # findings about the whole filing have no row (shown as —)
            assert where == mine[int(seq)]
        else:
            assert where == "—"


def test_findings_link_is_scoped_to_the_filing(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", filing="F006")
    at.button(key="dt_to_findings").click().run()
    assert [t.value for t in at.title] == ["指标质量"]
    assert at.query_params["filing"] == ["F006"]
    found = frame(at, "ql_findings")
    assert set(found["filing_id"]) == {"F006"}
    assert len(found) == sum(x["filing_id"] == "F006" for x in c.findings)
    # (AppTest reruns the page it was started on, so the way back is tested from the list itself)
    at = run_page(monkeypatch, db, "quality", filing="F006")
    assert len(frame(at, "ql_findings")) == sum(x["filing_id"] == "F006" for x in c.findings)
    at.button(key="qf_all").click().run()
    assert "filing" not in at.query_params
    assert len(frame(at, "ql_findings")) == len(c.findings)


def test_source_row_is_shown(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", filing="F006")
    at.selectbox(key="dt_row").set_value(2).run()
    ind = next(i for i in c.indicators if i["filing_id"] == "F006" and i["seq"] == 2)
    texts = [t.value for t in at.text]
    assert any(t.startswith("来源位置：" + ind["src_where"]) for t in texts)
    assert any(ind["target"] in t and ind["name"] in t for t in texts if t.startswith("原表该行"))
    assert any(t.startswith("本行问题：") and "效果明显" in t for t in texts)


def test_vague_phrases_fold_jis_comparison_signs(monkeypatch, tmp_path):
    import duckdb

    from dashboard_db import build_dashboard_db
    from test_dashboard_pages import frame as frame_

    db = tmp_path / "fold.duckdb"
    build_dashboard_db(db)
    con = duckdb.connect(str(db))
    con.executemany("INSERT INTO findings (filing_id, indicator_seq, rule, family, severity, message, evidence) "
                    "VALUES (?, 1, 'V02', 'vague', 'warning', '比较符号', ?)",
                    [["F001", "≥较好"], ["F002", "≧较好"], ["F003", "≧ 较好"]])
    con.close()
    at = run_page(monkeypatch, db, "quality")
    counts = dict(zip(*frame_(at, "ql_phrases_table")[["phrase", "n"]].T.values))
    assert counts["≥较好"] == 3 and "≧较好" not in counts


def test_only_rows_with_findings_are_coloured(monkeypatch, corpus_db):
    c, db = corpus_db
    at = run_page(monkeypatch, db, "detail", filing="F006")
    import re

    el = next(d for d in at.dataframe if {"seq", "src_where", "findings"} <= set(d.value.columns))
    coloured = set()
    for selectors, decl in re.findall(r"([^{}]+)\{([^}]*)\}", el.proto.styler.styles):
        if "background-color" in decl:
            coloured |= {int(r) + 1 for r in re.findall(r"_row(\d+)_col0\b", selectors)}
    with_findings = {x["indicator_seq"] for x in c.findings if x["filing_id"] == "F006" and x["indicator_seq"]}
    assert coloured == with_findings
