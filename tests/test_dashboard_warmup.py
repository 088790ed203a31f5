"""After a page is drawn, the other pages' first-visit queries are warmed: their first visit runs no query.

The real app and pages through AppTest over a real DuckDB file (and the lake the page tests use too);
the query tracer tells a query run from one the cache answered.
"""
from __future__ import annotations

import pytest
import streamlit as st

from dashboard import queries as q
from dashboard import warmup
from test_dashboard_pages import corpus_db, run_page  # noqa: F401  (the fixture runs over a file and a lake)

PAGES = ["scorecard", "scores", "execution", "reasons", "explore", "compare", "quality", "detail", "review", "upload"]


def cold_queries(monkeypatch, db, page: str, **params) -> list[str]:
    ran = []
    with q.tracer(lambda sql, p, s, how: ran.append(" ".join(sql.split())[:120]) if how == "run" else None):
        run_page(monkeypatch, db, page, **params)
    return ran


@pytest.mark.parametrize("params", [{}, {"county": "攸县"}, {"province": "湖南省", "year": "2023"}])
def test_first_visits_after_a_warm_up_run_no_query(monkeypatch, corpus_db, params):  # noqa: F811
    c, db = corpus_db
    monkeypatch.setenv("JIXIAO_REVIEWER", "测试")
    st.cache_data.clear()
    drawn = run_page(monkeypatch, db, None, **params)  # the overview, as the user sees it first
    f = drawn.session_state["_filters"]
    assert cold_queries(monkeypatch, db, "scores", **params), "without a warm-up a first visit runs its queries"
    st.cache_data.clear()
    run_page(monkeypatch, db, None, **params)
    assert warmup.warm(db, f, skip="overview") == len(PAGES)
    for page in PAGES:
        assert cold_queries(monkeypatch, db, page, **params) == [], page


def test_the_worker_warms_in_the_background_once_per_filters(monkeypatch, corpus_db):  # noqa: F811
    c, db = corpus_db
    st.cache_data.clear()
    drawn = run_page(monkeypatch, db, None, county="攸县")
    f = drawn.session_state["_filters"]
    monkeypatch.setattr(warmup, "_done", set())
    warmup.after_page(db, f, "overview")
    warmup._worker.join(timeout=60)
    assert cold_queries(monkeypatch, db, "quality", county="攸县") == []
    warmup.after_page(db, f, "overview")  # the same filters on the same file: nothing to do
    assert warmup._worker is None


def test_the_worker_waits_while_a_page_runs(monkeypatch, corpus_db):  # noqa: F811
    """A click goes first: during a page run the worker starts no query and holds no connection."""
    import threading

    from dashboard.filtering import Filters

    c, db = corpus_db
    st.cache_data.clear()
    ran = []
    done = threading.Event()
    # only this test's worker counts (a warm-up an earlier test's page run asked for may still be finishing)
    with q.tracer(lambda sql, p, s, how: ran.append(how) if threading.current_thread().name == "wait-test" else None):
        with warmup.page_run():
            worker = threading.Thread(target=lambda: (warmup.warm(db, Filters(province="湖南省")), done.set()),
                                      name="wait-test")
            worker.start()
            worker.join(timeout=1.0)
            assert not done.is_set() and ran == []
            with warmup.held():  # a write in this process would get the file now
                pass
        worker.join(timeout=60)
    assert done.is_set() and "run" in ran


def test_warm_up_is_off_unless_asked_for(monkeypatch):
    """Off by default: a background read holds the file's lock against another process's ingest."""
    monkeypatch.delenv("JIXIAO_WARM_PAGES", raising=False)
    assert not warmup.enabled([])
    assert warmup.enabled(["--db", "x.duckdb", "--warm-pages"])
    monkeypatch.setenv("JIXIAO_WARM_PAGES", "1")
    assert warmup.enabled([])
    monkeypatch.setenv("JIXIAO_WARM_PAGES", "0")
    assert not warmup.enabled([])
