"""Files are written to DuckDB in batches; a file whose rows cannot be stored still fails alone."""
from __future__ import annotations

from pathlib import Path

import etl.pipeline as pipeline
from tests.conftest import ROOT, query

SEEDS = sorted((Path(ROOT) / "data" / "seeds").glob("*.txt"))


def test_a_file_that_cannot_be_written_fails_alone_and_the_batch_loads(tmp_path, monkeypatch):
    assert len(SEEDS) >= 2
    bad_name = SEEDS[0].name
    real_analyse = pipeline.analyse

    def analyse(data, name, is_sample=False, **how):
        lf = real_analyse(data, name, is_sample, **how)
        if name == bad_name:  # a row number no INTEGER column holds: the database refuses the file
            next(f for f in lf.filings if f.indicators).indicators[0].seq = 2**40
        return lf

    monkeypatch.setattr(pipeline, "analyse", analyse)
    db = tmp_path / "batch.duckdb"
    summary = pipeline.ingest_paths(SEEDS, db, workers=1)

    by_name = {r.source_file: r for r in summary.results}
    assert by_name[bad_name].status == "failed"
    assert "写入数据库失败" in by_name[bad_name].error and bad_name in by_name[bad_name].error
    assert all(r.status == "loaded" and r.filings > 0 for n, r in by_name.items() if n != bad_name)
    # nothing of the refused file stays; every other file's filings and log rows do
    assert query(db, "SELECT count(*) FROM filings WHERE source_file = ?", [bad_name])[0][0] == 0
    assert query(db, "SELECT count(*) FROM source_files WHERE source_file = ?", [bad_name])[0][0] == 0
    loaded = sum(r.filings for r in summary.results if r.status == "loaded")
    assert query(db, "SELECT count(*) FROM filings")[0][0] == loaded
    log = dict(query(db, "SELECT source_file, status FROM ingest_log"))
    assert log == {n: r.status for n, r in by_name.items()}
    # reason_texts holds exactly the stored indicators' non-empty reasons
    assert query(db, "SELECT count(*) FROM reason_texts")[0][0] == query(
        db, "SELECT count(*) FROM indicators WHERE reason IS NOT NULL AND reason <> ''")[0][0]
