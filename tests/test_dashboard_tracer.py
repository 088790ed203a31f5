"""The query tracer: every query the dashboard runs, with its time, when asked for."""
from __future__ import annotations

import pytest

from dashboard import queries as q
from dashboard.filtering import Filters
from dashboard.queries import running
from dashboard_db import build_dashboard_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("trace") / "t.duckdb"
    build_dashboard_db(path)
    return path


def test_tracer_sees_every_query_and_its_time(db):
    seen = []
    with q.tracer(lambda sql, params, seconds, how: seen.append((sql, params, seconds, how))):
        q.connect(db).overview_counts(Filters(province="湖南省"))
    assert any("count(DISTINCT f.department)" in sql and "湖南省" in params for sql, params, _, _ in seen)
    assert all(seconds >= 0 and how in ("run", "cached") for _, _, seconds, how in seen)
    n = len(seen)
    q.connect(db).overview_counts(Filters(province="湖南省"))
    assert len(seen) == n, "outside the block nothing is traced"


def test_setting_prints_each_query_to_stderr(db, monkeypatch, capsys):
    monkeypatch.setenv(running.TRACE_ENV, "1")
    monkeypatch.setattr(running, "_tracers", [])
    running.trace_from_setting()
    running.trace_from_setting()  # idempotent: one line per query, not two
    q.connect(db).year_options()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[sql")]
    assert lines and any("SELECT DISTINCT year" in line for line in lines)
    assert all(" ms " in line for line in lines)
    assert len([line for line in lines if "SELECT DISTINCT year" in line]) == 1


def test_no_setting_no_trace(db, monkeypatch, capsys):
    monkeypatch.delenv(running.TRACE_ENV, raising=False)
    monkeypatch.setattr(running, "_tracers", [])
    running.trace_from_setting()
    q.connect(db).kind_options()
    assert "[sql" not in capsys.readouterr().err
