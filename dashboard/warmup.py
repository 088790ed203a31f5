"""After a page is drawn, the queries the other pages run on their first visit, run in the background.

A page's first visit under a set of filters ran all its queries cold (0.3-1 s of DuckDB at 100k filings);
its later visits read the cache. Once a page run has finished, a worker thread runs the queries every
other page asks on its first visit with its widgets as they start (the same query methods with the same
arguments, so the same cache entries: st.cache_data, keyed by the file's version), for the sidebar's
filters of that run. The user reads the page meanwhile; the next click finds its queries cached.

One worker for the process: a newer request replaces one not yet started (the user moved on), and each
(database version, filters) is warmed once, the pages after the one drawn first (sidebar order). It starts
nothing new while a page run is in progress (a click goes first: at most the page part under way, a few
queries, finishes) and then holds no connection (a write in this
process, an upload or a correction, never meets one). Failures are left to the page (it shows its own message).
tests/test_dashboard_warmup.py holds every page to this list: after a warm-up, a first visit runs no query.

Off unless asked for (`JIXIAO_WARM_PAGES=1`, or `-- --warm-pages` after the script): reading in the background
holds the DuckDB file's lock, and while any process reads the file no other process can open it to write, so an
ingest started beside an open dashboard would wait for the warm-up instead of getting the file at once. Turn it
on where the database is not written while the dashboard serves it (a published copy, a lake read by others).
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from dashboard import queries
from dashboard.charts import SCATTER_POINTS
from dashboard.db import db_version
from dashboard.filtering import Filters
from dashboard.labels import DIRECTIONS, rank_higher_first
from dashboard.queries import explorer as ex
from dashboard.queries import review_queue as rq
from dashboard.words import top_words

log = logging.getLogger("jixiao.dashboard")

SETTLE_SECONDS = 0.3  # let the page that asked finish sending before its neighbours' queries take the CPU
_DONE_MAX = 256

_lock = threading.Lock()
_wanted: tuple | None = None  # (db, filters, page drawn, key): the newest request not yet started
_worker: threading.Thread | None = None
_done: set[tuple] = set()
_batch = threading.Lock()  # held while one page's queries warm; a write in this process takes it first
_runs = 0  # page runs in progress: the worker waits for them (a click goes first)
IDLE_POLL_SECONDS = 0.05


@contextmanager
def page_run():
    """A page run of a user: while one is in progress, the worker starts no query."""
    global _runs
    with _lock:
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1


def _wait_idle(limit: float = 30.0) -> None:
    t = time.perf_counter()
    while _runs and time.perf_counter() - t < limit:
        time.sleep(IDLE_POLL_SECONDS)


@contextmanager
def held():
    """No warm-up query runs inside this block: this process is about to write (DuckDB refuses a writer, in
    this process or a child, while this process holds a read connection). Waits for the page being warmed."""
    with _batch:
        yield


def page_queries(qs, f: Filters) -> dict[str, list[Callable[[], object]]]:
    """Each page's first-visit queries under the sidebar's filters `f` (widgets at their start values).

    The arguments are the pages' own (dashboard/views/*.py): a page that changes a default changes it here.
    """
    def scorecard():
        province, city = f.province, f.city
        if f.county and not province:
            places = qs.place_options()
            mine = places[places["county"] == f.county]
            if len(mine) == 1:
                province = mine["province"].iloc[0]
        qs.scorecard(Filters(province=province, city=city, years=f.years, kinds=f.kinds, sources=f.sources),
                     "place", None)

    def compare():
        options = qs.focus_options(f, "place")
        if not options:
            return
        wanted = next((o for o in options if o.split(" ")[-1] == f.county), None) if f.county else None
        if f.county and wanted is None:
            return
        focus, metric, scope = wanted or options[0], "self_score", "province"
        qs.benchmark(f, "place", focus, scope, metric, rank_higher_first(DIRECTIONS.get(metric, "up")))
        qs.peer_matrix(f, "place", focus, scope, metric)
        qs.department_across_places(f, "工商", metric)
        qs.soft_indices(qs.scope_filters(f, "place", focus, scope), "county")

    def explore():
        qs.source_counts(f), qs.place_labels(f), qs.finding_rules(Filters())
        cond = ex.Conditions()
        if ex.count(qs, f, cond, False):
            ex.page(qs, f, cond, 1, 50, False)

    def quality():
        qs.vague_by_group(f, by="place"), qs.vague_by_group(f, by="department"), qs.vague_phrases(f, limit=30)
        qs.finding_rules(f)
        qs.findings_list(f, (), (), (), "", limit=1000, filing_id=None)
        clusters = qs.copy_clusters(f)
        if not clusters.empty:
            qs.copy_cluster_members(int(clusters["cluster_id"].iloc[0]))

    def review():
        qf = rq.QueueFilter()
        rq.counts(qs, f, qf), rq.queue(qs, f, qf, limit=200), rq.stale_corrections(qs), rq.marked(qs)

    return {
        "overview": [lambda: qs.overview_counts(f), lambda: qs.source_counts(f),
                     lambda: rq.unverified_counts(qs, f), lambda: qs.findings_by_family_severity(f),
                     lambda: qs.worst_filings(f, limit=20)] + ([qs.year_options] if f.county else []),
        "scorecard": [scorecard],
        "scores": [lambda: qs.score_histogram(f, width=5.0), lambda: qs.inflation_summary(f),
                   lambda: qs.score_box(f, by="place"), lambda: qs.grade_bands(f),
                   lambda: qs.score_vs_recomputed(f, limit=SCATTER_POINTS), lambda: qs.most_inflated(f, limit=50)],
        "execution": [lambda: qs.exec_histogram(f), lambda: qs.exec_below(f, 0.9, limit=300),
                      lambda: qs.budget_vs_exec(f, limit=SCATTER_POINTS), lambda: qs.exec_by_place_year(f)],
        "reasons": [lambda: qs.reason_summary(f), lambda: qs.no_reason_by_group(f, by="place"),
                    lambda: qs.reason_categories(f, by="place"), lambda: qs.reason_search(f, "", (), limit=500),
                    lambda: top_words(qs, f, 30)],
        "explore": [explore],
        "compare": [compare],
        "quality": [quality],
        "detail": [lambda: qs.find_filings(f, "", limit=200)],
        "review": [review],
        "upload": [lambda: qs.ingest_log()],
    }


def warm(db: Path, f: Filters, skip: str | None = None) -> int:
    """Run every page's first-visit queries (but `skip`'s, the page just drawn) into the cache; the count of
    pages warmed. Each page's queries share one read-only connection, closed before the next page's."""
    qs = queries.connect(db)
    pages = list(page_queries(qs, f).items())
    if skip in dict(pages):  # the pages after the one drawn first, in the sidebar's order: the likely next clicks
        at = [p for p, _ in pages].index(skip)
        pages = pages[at + 1:] + pages[:at]
    n = 0
    for page, calls in pages:
        i = 0
        while i < len(calls):
            _wait_idle()
            # one connection for the page's queries, closed (and the lock let go) as soon as a page run starts:
            # that run, and a write it makes, never wait for more than the call in progress (one page part: up to a few queries)
            with _batch, queries.page_session():
                while i < len(calls) and not _runs:
                    try:
                        calls[i]()
                    except Exception:  # noqa: BLE001 - the page reports its own failure when visited
                        log.debug("warm-up of %s failed", page, exc_info=True)
                    i += 1
        n += 1
    return n


def enabled(argv: list[str] | None = None) -> bool:
    """Whether this server warms pages (see the module's note: off unless asked for)."""
    args = sys.argv[1:] if argv is None else argv
    return "--warm-pages" in args or os.environ.get("JIXIAO_WARM_PAGES", "") not in ("", "0")


def after_page(db: Path, f: Filters, page: str | None = None) -> None:
    """Ask the worker to warm the other pages for `f` (returns at once; a no-op if already done)."""
    global _wanted, _worker
    key = (str(db), db_version(Path(db)), repr(f))
    with _lock:
        if key in _done:
            return
        _wanted = (Path(db), f, page, key)
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="jixiao-warmup", daemon=True)
            _worker.start()


def _work() -> None:
    global _wanted, _worker
    while True:
        time.sleep(SETTLE_SECONDS)
        with _lock:
            job, _wanted = _wanted, None
            if job is None:
                _worker = None
                return
            db, f, page, key = job
            if len(_done) >= _DONE_MAX:  # a memo, not a store: keep it bounded
                _done.clear()
            _done.add(key)
        t = time.perf_counter()
        try:
            n = warm(db, f, skip=page)
            log.debug("warmed %d pages in %.2f s", n, time.perf_counter() - t)
        except Exception:  # noqa: BLE001 - e.g. the file went away: the pages say what is wrong
            log.debug("warm-up failed", exc_info=True)
