"""A lake attached to a DuckDB file, as the dashboard reads it.

The page tests themselves run over a lake too (the `corpus_db` fixture of
test_dashboard_pages.py has a "lake" variant); these check what is particular
to an attached lake: views not copies, marts equal to the base rows, no upload.
"""
from __future__ import annotations

import duckdb
import pytest

from dashboard_db import build_dashboard_db
from etl.lake.attach import attach
from etl.lake.from_database import export_db


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lakedash")
    corpus = build_dashboard_db(tmp / "local.duckdb")
    export_db(tmp / "local.duckdb", tmp / "lake")
    attach(tmp / "attached.duckdb", tmp / "lake")
    return corpus, tmp / "attached.duckdb"


def test_attached_file_reads_the_lake_not_a_copy(corpus_db):
    _, db = corpus_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        kinds = dict(con.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'").fetchall())
        local = duckdb.connect(str(db.parent / "local.duckdb"), read_only=True)
        n_local = local.execute("SELECT count(*) FROM filings").fetchone()[0]
        local.close()
        assert con.execute("SELECT count(*) FROM filings").fetchone()[0] == n_local
    finally:
        con.close()
    assert kinds["filings"] == "VIEW" and kinds["indicators"] == "VIEW" and kinds["mart_filings"] == "VIEW"
    assert (db.stat().st_size < 2 * 1024 * 1024), "the attached file holds views, not the data"


@pytest.mark.parametrize("filters", [
    {}, {"province": "湖南省"}, {"years": (2022,)}, {"kinds": ("project_self_eval",)},
    {"province": "湖南省", "county": "攸县", "years": (2021, 2022)},
])
def test_headline_from_marts_equals_the_base_tables(corpus_db, filters):
    """The overview's figures from the marts (lake) are those computed from every filing (local file, no marts)."""
    from dashboard import queries as q
    from dashboard.filtering import Filters

    _, attached = corpus_db
    local = attached.parent / "local.duckdb"
    f = Filters(**filters)
    assert q.has_marts(attached) and not q.has_marts(local)
    from_marts, from_rows = q.connect(attached).overview_counts(f), q.connect(local).overview_counts(f)
    assert from_rows["filings"] > 0
    assert from_marts.keys() == from_rows.keys()
    for k, v in from_rows.items():
        assert from_marts[k] == pytest.approx(v, rel=1e-12, nan_ok=True), k
    fam = lambda db: sorted(map(tuple, q.connect(db).findings_by_family_severity(f).values.tolist()))  # noqa: E731
    assert fam(attached) == fam(local)


def test_upload_page_refuses_an_attached_lake(monkeypatch, corpus_db):
    """Uploading into views over a lake cannot work: the page says so instead of offering an uploader."""
    from test_dashboard_pages import run_page

    _, db = corpus_db
    at = run_page(monkeypatch, db, "upload")
    assert any("挂接的是数据湖" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.label == "开始导入"]
