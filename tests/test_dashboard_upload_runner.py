"""Uploads are ingested in a bounded child process: a file that exhausts it fails alone, with a reason."""
from __future__ import annotations

import os
import shutil

import pytest

from dashboard.upload_runner import ingest_uploads
from tests.conftest import SEEDS


@pytest.fixture()
def seeds(tmp_path):
    out = []
    for p in sorted(SEEDS.iterdir())[:2]:
        shutil.copy(p, tmp_path / p.name)
        out.append(tmp_path / p.name)
    return out


@pytest.mark.slow
def test_upload_loads_then_reports_duplicates(seeds, tmp_path):
    db = tmp_path / "u.duckdb"
    first = ingest_uploads(seeds, db)
    assert [r.status for r in first] == ["loaded", "loaded"]
    assert all(r.filings > 0 for r in first)
    again = ingest_uploads(seeds[:1], db)
    assert [(r.source_file, r.status) for r in again] == [(seeds[0].name, "duplicate")]


def test_a_child_over_its_time_limit_is_stopped_and_every_file_gets_a_reason(seeds, tmp_path):
    rss_before = _rss_mb()
    res = ingest_uploads(seeds, tmp_path / "t.duckdb", timeout_s=0.3)
    assert [r.status for r in res] == ["failed", "failed"]
    assert all("导入超时" in r.error for r in res)
    assert _rss_mb() - rss_before < 50  # the work (and its memory) was the child's


def test_a_child_over_its_memory_cap_fails_alone(seeds, tmp_path):
    res = ingest_uploads(seeds[:1], tmp_path / "m.duckdb", memory_mb=150)
    assert res[0].status == "failed" and res[0].error


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


@pytest.mark.slow
def test_uploading_the_hostile_files_gives_the_batch_results_and_keeps_the_server_small(tmp_path):
    """Issue 11: every hostile file uploaded through the dashboard gets the same per-file result as
    the batch ingest, and the dashboard's own process stays far below 1.5 GB (the work is the child's)."""
    import resource

    from tests.hostile_files import write_hostile

    cases = write_hostile(tmp_path / "in", huge=False)
    # what a browser can upload: regular files, one at a time by their own name (no folders, links, FIFOs)
    regular = {n: c for n, c in cases.items() if "/" not in n and (tmp_path / "in" / n).is_file()
               and not (tmp_path / "in" / n).is_symlink()}
    paths = [tmp_path / "in" / n for n in sorted(regular)]
    res = {r.source_file: r for r in ingest_uploads(paths, tmp_path / "up.duckdb")}
    assert set(res) == set(regular)
    for name, case in regular.items():
        r = res[name]
        if case.expect == "loaded":
            assert r.status == "loaded", (name, r)
        elif case.expect == "failed":
            assert r.status == "failed" and r.error, (name, r)
            assert all(word in r.error for word in case.reason), (name, r.error)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < 1536, peak_mb
