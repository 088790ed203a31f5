"""`jixiao report`: a Chinese A4 PDF whose text holds the county, the year and the headline figures."""
from __future__ import annotations

import statistics

import pdfplumber
import pytest
from typer.testing import CliRunner

from dashboard_db import build_dashboard_db
from etl.cli import app


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "jixiao.duckdb"
    return build_dashboard_db(path), path


def cells_of(pdf_path) -> list[str]:
    """Every table cell's text, lines joined without spaces (cells wrap)."""
    with pdfplumber.open(pdf_path) as pdf:
        return ["".join((cell or "").split()) for p in pdf.pages for t in p.extract_tables() for row in t
                for cell in row]


def text_of(pdf_path) -> tuple[str, int, tuple]:
    with pdfplumber.open(pdf_path) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages), len(pdf.pages), (pdf.pages[0].width,
                                                                                    pdf.pages[0].height)


def test_report_command_writes_the_county_report(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "攸县2022.pdf"
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--county", "攸县", "--year", "2022", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text, pages, size = text_of(out)
    assert pages >= 2
    assert size == pytest.approx((595.3, 841.9), abs=1)  # A4
    mine = [f for f in c.filings if f["county"] == "攸县" and f["year"] == 2022]
    assert "攸县2022 年预算绩效分析报告" in text
    assert f"共 {len(mine)} 份填报" in text
    assert f"自评得分中位数 {statistics.median(f['total_score'] for f in mine):.1f}" in text
    ids = {f["filing_id"] for f in mine}
    n_find = sum(x["filing_id"] in ids for x in c.findings)
    n_err = sum(x["filing_id"] in ids and x["severity"] == "error" for x in c.findings)
    assert f"发现的问题 {n_find} 个（其中错误 {n_err} 个）" in text
    assert f"第 1 页 / 共 {pages} 页" in text
    med = {k: statistics.median(f["total_score"] for f in c.filings if f["county"] == k and f["year"] == 2022)
           for k in ("渌口区", "攸县", "赫山区")}  # 湖南's three counties
    rank = 1 + sum(v > med["攸县"] for v in med.values())
    assert f"自评得分（中位数） {med['攸县']:.1f} " in text and f"第 {rank} / 3 名" in text
    cells = cells_of(out)
    # every error and warning is listed with its source position
    for x in c.findings:
        if x["filing_id"] in ids and x["indicator_seq"] is not None and x["severity"] != "info":
            ind = next(i for i in c.indicators if i["filing_id"] == x["filing_id"] and i["seq"] == x["indicator_seq"])
            where = "".join(ind["src_where"].split())
            assert any(where in cell and f"第{x['indicator_seq']}项" in cell for cell in cells), where
    assert "合成的样例填报" not in text


def test_sample_data_is_flagged(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "r.pdf"
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--county", "昭化区", "--year", "2021", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text, _, _ = text_of(out)
    assert "合成的样例填报" in text


def test_unknown_county_or_year_is_a_clear_error(corpus_db, tmp_path):
    c, db = corpus_db
    out = tmp_path / "r.pdf"
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--county", "正定县", "--year", "2021", "--out", str(out)])
    assert res.exit_code == 1 and "正定县" in res.output and not out.exists()
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--county", "攸县", "--year", "2019", "--out", str(out)])
    assert res.exit_code == 1 and "2021" in res.output and not out.exists()


def test_download_report_button_on_the_overview(monkeypatch, corpus_db):
    import io

    from test_dashboard_pages import run_page

    c, db = corpus_db
    at = run_page(monkeypatch, db, county="攸县", year="2023")
    at.button(key="ov_report_make").click().run()
    scope, pdf = at.session_state["_ov_report_pdf"]
    assert scope == ("攸县", None, 2023, None)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(p.extract_text() for p in doc.pages)
    assert "攸县2023 年预算绩效分析报告" in text
    assert f"共 {sum(f['county'] == '攸县' and f['year'] == 2023 for f in c.filings)} 份填报" in text
