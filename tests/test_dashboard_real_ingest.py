"""The dashboard over a database built the way users build it: `ingest` of the seeds plus generated filings."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from etl.pipeline import ingest_paths
from etl.sample.generate import generate_corpus
from tests.conftest import SEEDS
from tests.test_dashboard_pages import metric, run_page

PAGES = ["scores", "execution", "reasons", "compare", "quality", "upload"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    corpus = root / "sample"
    generate_corpus(corpus, seed=3, counties=2, departments_per_county=3, years=(2022, 2023))
    db = root / "jixiao.duckdb"
    summary = ingest_paths([SEEDS, corpus], db)
    assert summary.failed == 0
    return db


def one(db: Path, sql: str, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchone()[0]
    finally:
        con.close()


def test_overview_counts_what_ingest_loaded(monkeypatch, real_db):
    at = run_page(monkeypatch, real_db)
    assert metric(at, "填报数") == f"{one(real_db, 'SELECT count(*) FROM filings'):,}"
    assert metric(at, "县区数") == str(one(real_db, "SELECT count(DISTINCT county) FROM filings"))
    # the generated corpus is marked, so the banner says the data includes samples
    assert any("样例" in w.value for w in list(at.warning) + list(at.info))


def test_county_filter_narrows_the_overview(monkeypatch, real_db):
    at = run_page(monkeypatch, real_db, county="正定县")
    assert metric(at, "填报数") == str(one(real_db, "SELECT count(*) FROM filings WHERE county = '正定县'"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_real_data(monkeypatch, real_db, page):
    at = run_page(monkeypatch, real_db, page=page)
    if page != "upload":
        specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
        assert specs and any(trace.get("x") is not None or trace.get("z") is not None or trace.get("values") is not None
                             for s in specs for trace in s["data"])


def test_filing_page_shows_the_seed_self_evaluation(monkeypatch, real_db):
    fid = one(real_db, "SELECT filing_id FROM filings WHERE doc_kind = 'dept_self_eval' AND source_file LIKE '003_%'")
    at = run_page(monkeypatch, real_db, page="detail", filing=fid)
    text = " ".join(str(x.value) for x in list(at.title) + list(at.subheader) + list(at.caption) + list(at.markdown))
    assert "株洲市渌口区工商业联合会" in text or any("株洲市渌口区工商业联合会" in str(df.value.to_dict()) for df in at.dataframe)
    tables = [df.value for df in at.dataframe]
    assert any("人员保障" in t.to_string() for t in tables)
    # how sure the parser was: on the filing and on every indicator row
    conf = one(real_db, "SELECT parse_confidence FROM filings WHERE filing_id = ?", [fid])
    info = next(t for t in tables if "解析置信度" in t.to_string())
    assert f"{conf * 100:.1f}%" in info.to_string()
    rows = next(t for t in tables if "人员保障" in t.to_string())
    assert "parse_confidence" in rows.columns or "解析置信度" in rows.columns


def test_reason_search_finds_what_ingest_read(monkeypatch, real_db):
    with_reason = one(real_db, "SELECT count(*) FROM indicators WHERE reason IS NOT NULL AND reason <> ''")
    assert with_reason > 0
    assert one(real_db, "SELECT count(*) FROM reason_texts") == with_reason
    word = one(real_db, "SELECT substr(reason, 1, 2) FROM reason_texts WHERE length(reason) > 4 ORDER BY filing_id LIMIT 1")
    expected = one(real_db, "SELECT count(*) FROM indicators WHERE contains(reason, ?)", [word])
    from dashboard import queries as q
    from dashboard.filtering import Filters

    _, total = q.connect(real_db).reason_search(Filters(), word)
    assert total == expected


def test_upload_result_lists_the_new_filings(real_db, tmp_path):
    """What the 数据导入 page shows after an upload: the filings of the files just loaded, openable."""
    from dashboard import queries as q
    from etl.pipeline import ingest_paths

    src = sorted(SEEDS.iterdir())[0]
    db = tmp_path / "upload.duckdb"
    summary = ingest_paths([src], db)
    shas = tuple(r.sha256 for r in summary.results if r.status == "loaded")
    new = q.connect(db).filings_from_sources(shas)
    assert len(new) == summary.filings > 0
    assert set(new["filing_id"]) == {r[0] for r in duckdb.connect(str(db), read_only=True)
                                     .execute("SELECT filing_id FROM filings").fetchall()}
