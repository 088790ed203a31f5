"""`python -m dashboard.serve`: what it readies before it answers, and that nothing it readies goes stale."""
from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from dashboard import bundles, local_server, queries, serve
from dashboard.filtering import ALL
from dashboard_db import build_dashboard_db


def _how_answered(call) -> tuple[object, set[str]]:
    hows: set[str] = set()
    with queries.tracer(lambda sql, params, secs, how: hows.add(how)):
        result = call()
    return result, hows


def test_first_page_queries_are_cached_at_start_and_read_anew_after_a_write(tmp_path):
    db = tmp_path / "jixiao.duckdb"
    corpus = build_dashboard_db(db)
    serve.warm_queries(db)
    counts, hows = _how_answered(lambda: queries.connect(db).overview_counts(ALL))
    assert hows == {"cached"}, "the first visitor's 总览 should not wait for its queries"
    assert counts["filings"] == len({f["filing_id"] for f in corpus.filings if not f.get("superseded")})

    con = duckdb.connect(str(db))  # an ingest after the server started
    con.execute("""INSERT INTO filings (filing_id, source_file, source_sha256, part_index, doc_kind, province, city,
                   county, department, year, parse_status) VALUES ('NEW1', 'new.txt', 'shanew', 0, 'project_target',
                   '湖南省', '株洲市', '渌口区', '新部门', 2023, 'ok')""")
    con.execute("CHECKPOINT")
    con.close()
    after, hows = _how_answered(lambda: queries.connect(db).overview_counts(ALL))
    assert "run" in hows
    assert after["filings"] == counts["filings"] + 1


def test_warming_a_missing_or_foreign_file_leaves_the_page_to_say_so(tmp_path):
    serve.warm_queries(tmp_path / "none.duckdb")  # the page shows its "no database" welcome
    assert not (tmp_path / "none.duckdb").exists()
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).close()  # no dashboard tables: the page shows its Chinese error
    serve.warm_queries(foreign)


def _main_bundle() -> str:
    index = (bundles.static_root() / "index.html").read_text(encoding="utf-8")
    return re.search(r'src="\./(static/js/index\.[^"]+\.js)"', index).group(1)


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.slow
def test_server_answers_after_its_preload_and_sends_streamlit_scripts_as_they_are(tmp_path):
    db = tmp_path / "jixiao.duckdb"
    build_dashboard_db(db)
    running = local_server.start(db, tmp_path / "streamlit.log")
    try:
        running.log.flush()
        assert "看板已预加载" in Path(tmp_path / "streamlit.log").read_text(encoding="utf-8")
        path = _main_bundle()
        raw = (bundles.static_root() / path).read_bytes()
        url = f"{running.url}/{path}"

        status, headers, body = _get(url, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert gzip.decompress(body) == raw
        assert "Accept-Encoding" in headers.get("Vary", "")
        assert "immutable" in headers.get("Cache-Control", "")  # Streamlit's caching of hashed assets is kept

        status, headers, body = _get(url, **{"Accept-Encoding": "identity"})
        assert status == 200 and "Content-Encoding" not in headers and body == raw

        etag = headers["Etag"]
        status, _, _ = _get(url, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert status == 304

        # a range is served as Streamlit always did (Tornado may gzip the part on the way out)
        status, headers, body = _get(url, **{"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
        assert status == 206
        assert (gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body) == raw[:100]

        status, headers, body = _get(running.url + "/", **{"Accept-Encoding": "gzip"})  # the page itself
        assert status == 200
        page = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        assert page == bundles.index_with_preloads() and b'rel="modulepreload"' in page
        assert "no-cache" in headers.get("Cache-Control", "")  # a new Streamlit build is seen at once
        status, _, body = _get(running.url + "/scorecard")  # a page's own address: the same page
        assert status == 200 and body == page
    finally:
        log = running.stop()
    assert "Traceback" not in log, log


def test_the_page_names_the_scripts_every_page_draws_with_so_they_load_beside_the_main_bundle():
    """Streamlit fetches Plotly's chunk and the data grid's only when their first element arrives (a skeleton
    until then); the served page names them (and what they import) as module preloads."""
    scripts = bundles.element_scripts()
    assert {"PlotlyChart", "ArrowDataFrame", "Selectbox"} <= set(scripts)
    page = bundles.index_with_preloads().decode("utf-8")
    for name in ("PlotlyChart", "ArrowDataFrame", "Selectbox", "DownloadButton"):
        for path in scripts[name]:
            if path.endswith(".js"):
                assert (bundles.static_root() / path).is_file()
                assert f'rel="modulepreload" crossorigin href="./{path}"' in page, (name, path)
    plotly = scripts["PlotlyChart"][0]
    assert f'import("./{plotly}")' in page  # run once the main bundle has run, not when the first chart arrives
    assert page.index(_main_bundle()) < page.index(f'import("./{plotly}")')  # the main bundle's modules first
    original = (bundles.static_root() / "index.html").read_text(encoding="utf-8")
    assert page.replace("\n", "").count("<script") == original.count("<script") + 1
