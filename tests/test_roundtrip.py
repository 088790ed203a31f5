"""Render generated filings in every format, ingest them, get the truth back."""
from __future__ import annotations

import pytest

from etl.pipeline import ingest_paths
from etl.sample.truth_compare import compare
from etl.sample.generate import generate_corpus


@pytest.mark.slow
def test_generated_corpus_round_trips_in_every_format(tmp_path):
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, seed=5, counties=1, departments_per_county=3, years=(2022, 2023))
    summary = ingest_paths([corpus], tmp_path / "rt.duckdb")
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    rt = compare(corpus, tmp_path / "rt.duckdb")
    assert rt.filings_found == rt.filings_expected
    assert set(rt.by_format) == {"docx", "xlsx", "pdf", "html", "txt"}
    for fmt, (n, ok) in rt.by_format.items():
        assert ok / n >= 0.99, (fmt, rt.misses[:10])
    assert rt.share >= 0.995, rt.misses[:20]
