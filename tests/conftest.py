"""Shared fixtures: paths of the bundled data, a database built from the seeds."""
from __future__ import annotations

from pathlib import Path

import etl  # noqa: F401  - before any test imports ray: etl/__init__.py keeps Ray's uv-run hook off

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "seeds"
SEED_000 = SEEDS / "000_ce456aaed79faa76.txt"
SEED_003 = SEEDS / "003_483a086a129c8058.txt"


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """A real DuckDB file holding the two seed filings, ingested through the pipeline."""
    from etl.pipeline import ingest_paths

    db = tmp_path_factory.mktemp("seeds") / "seeds.duckdb"
    summary = ingest_paths([SEEDS], db)
    assert summary.failed == 0, [r.error for r in summary.results]
    return db


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(autouse=True, scope="session")
def _dashboard_listens_on_this_machine():
    """In-process dashboard tests run as scripts/run.sh serves: bound to 127.0.0.1 (the setting
    lives next to dashboard/app.py, which AppTest does not read)."""
    from streamlit import config

    config.set_option("server.address", "127.0.0.1")


@pytest.fixture()
def listen_on():
    """Set the address Streamlit listens on for this test (what access.gate() follows)."""
    from streamlit import config

    def set_address(address: str) -> None:
        config.set_option("server.address", address or None)

    yield set_address
    config.set_option("server.address", "127.0.0.1")


@pytest.fixture(scope="session")
def sample_county_db(tmp_path_factory):
    """Two whole counties of the sample corpus (20 departments each, two years), loaded and checked as an
    ingest does (copy clusters and cross-year soft targets included). Returns (db, filings)."""
    from dashboard_db import write_filings
    from etl.sample.generate import generate_county_filings

    db = tmp_path_factory.mktemp("county") / "county.duckdb"
    filings = generate_county_filings(counties=2, departments_per_county=20, years=(2022, 2023))
    write_filings(db, filings)
    return db, filings
