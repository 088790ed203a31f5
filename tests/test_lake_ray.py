"""`--engine ray` against the local engine on the same files, on a real local Ray (2 CPUs).

The lake, read through `attach`, must hold the very rows the DuckDB file holds
(ids and values), the same failures with the same reasons, and each file's
rows once, also after a run that was stopped half-way and run again.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray")

from conftest import SEEDS  # noqa: E402
from etl.lake import layout  # noqa: E402
from etl.lake.attach import attach  # noqa: E402
from etl.lake.ray_ingest import ingest_lake  # noqa: E402
from etl.load import store  # noqa: E402
from etl.pipeline import ingest_paths  # noqa: E402
from etl.review import ledger  # noqa: E402
from etl.review.edits import ADD_ROW, CONFIRM, DELETE_ROW, MARK, SET, Correction  # noqa: E402
from test_review import self_eval_text  # noqa: E402

# every table, with the columns that differ between any two runs (load times) left out
COMPARED = {
    "filings": "*", "indicators": "*", "spending_plan": "*", "sections": "*", "findings": "*",
    "filing_metrics": "*", "indicator_reasons": "*", "reason_texts": "*", "copy_clusters": "*",
    "copy_bands": "*",
    "source_files": "* EXCLUDE (first_ingested_at)", "source_blobs": "*",
    "ingest_log": "source_file, source_sha256, status, error, filings",
    "indicator_keys": "*", "filing_links": "*",
    # sums of doubles over a place's filings: the last bit depends on the order rows arrive in
    "soft_indices": "* REPLACE (round(soft_share, 12) AS soft_share, round(money, 6) AS money, "
                    "round(inflation_index, 12) AS inflation_index, round(carried_share, 12) AS carried_share)",
    "mart_facts": "*", "mart_findings": "*", "mart_reasons": "*", "mart_reason_texts": "*",
    "mart_phrases": "*", "mart_reason_rows": "*",
    # an incremental refresh numbers new rows between their neighbours, a full build 1, 2, 3 …: the list's
    # order is compared (diff below), not its numbers
    "mart_finding_rows": "* EXCLUDE (list_order)", "mart_copies": "*", "mart_grades": "*",
    # (the same: sums and means of doubles over a group)
    "mart_filings": "* REPLACE (round(inflation_sum, 9) AS inflation_sum)",
    "mart_units": "* REPLACE (round(m_inflation, 12) AS m_inflation)",
}


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds, a small generated sample in every format, a duplicate and two bad files."""
    from etl.sample.generate import generate_corpus

    root = tmp_path_factory.mktemp("corpus")
    for p in SEEDS.iterdir():
        shutil.copy(p, root / p.name)
    generate_corpus(root / "sample", seed=11, counties=1, departments_per_county=3, years=(2022, 2023))
    (root / "sample" / "manifest.json").unlink()
    first = sorted((root / "sample").glob("*.txt"))[0]
    shutil.copy(first, root / "copy_of_first.txt")  # same bytes: loaded once, logged as duplicate
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (root / "empty.txt").write_text("这不是绩效文件。\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def local_db(corpus, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    ingest_paths([corpus], db)
    return db


def diff(local_db: Path, attached: Path, tables: dict[str, str] = COMPARED) -> dict[str, tuple[int, int]]:
    """Per table of `tables`: (rows only in the local file, rows only in the lake), counting duplicates."""
    con = duckdb.connect(str(attached), read_only=True)
    try:
        con.execute(f"ATTACH {layout.sql_text(local_db)} AS loc (READ_ONLY)")
        out = {}
        for table, cols in tables.items():
            a = f"SELECT {cols} FROM loc.{table}"
            b = f"SELECT {cols} FROM {table}"
            only_local = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchone()[0]
            only_lake = con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchone()[0]
            out[table] = (only_local, only_lake)
        if "mart_finding_rows" in tables:  # the same rows in the same order of the list
            order = "SELECT filing_id, indicator_seq, rule, message FROM {}mart_finding_rows ORDER BY list_order"
            if con.execute(order.format("loc.")).fetchall() != con.execute(order.format("")).fetchall():
                out["mart_finding_rows"] = (out["mart_finding_rows"][0] + 1, out["mart_finding_rows"][1] + 1)
        return out
    finally:
        con.close()


def count(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_ray_lake_holds_the_same_rows_as_the_local_engine(local_ray, corpus, local_db, tmp_path):
    summary = ingest_lake([corpus], tmp_path / "lake")
    attach(tmp_path / "lake.duckdb", tmp_path / "lake")
    assert count(local_db, "SELECT count(*) FROM filings") > 40  # a real comparison, not two empty sets
    assert count(local_db, "SELECT count(DISTINCT format) FROM source_files") == 5
    # the copy clusters each engine derives from its own copy_bands (the map step's MinHash bands)
    assert count(local_db, "SELECT count(*) FROM copy_clusters") > 0
    assert count(local_db, "SELECT count(DISTINCT filing_id) FROM copy_bands") > 20  # the tables (reports have no indicators)
    assert diff(local_db, tmp_path / "lake.duckdb") == {t: (0, 0) for t in COMPARED}
    assert (summary.loaded, summary.duplicate, summary.failed) == (
        count(local_db, "SELECT count(*) FROM ingest_log WHERE status = 'loaded'"), 1, 2)
    errors = sorted(r.error for r in summary.results if r.status == "failed")
    assert errors[0].startswith("broken.xlsx: ") and errors[1].startswith("empty.txt: ")
    # every table is partitioned by the filing's province and year
    parts = {p.relative_to(tmp_path / "lake" / "indicators").parts[:2]
             for p in layout.data_files(tmp_path / "lake", "indicators")}
    assert len(parts) >= 3 and all(a.startswith("province=") and b.startswith("year=") for a, b in parts)


def test_stopped_run_rerun_gives_the_same_rows_once(local_ray, corpus, local_db, tmp_path):
    lake = tmp_path / "lake"

    class Stop(Exception):
        pass

    def stop_after_first_batch(done, total, result):
        if result.status == "loaded":
            raise Stop

    with pytest.raises(Stop):
        ingest_lake([corpus], lake, progress=stop_after_first_batch, batch_files=4, compact_at=10**6)
    attach(tmp_path / "lake.duckdb", lake)
    loaded_first = count(tmp_path / "lake.duckdb", "SELECT count(*) FROM source_files")
    assert 1 <= loaded_first < count(local_db, "SELECT count(*) FROM source_files")

    # a stop between moving a batch's files into place and writing its commit marker
    # leaves files no commit names: a copy of a committed batch's files under a new id
    for p in layout.data_files(lake, "filings")[:1] + layout.data_files(lake, "indicators")[:1]:
        shutil.copy(p, p.with_name("0" * 32 + "_0.parquet"))
    assert count(tmp_path / "lake.duckdb", "SELECT count(*) - count(DISTINCT filing_id) FROM filings") > 0

    second = ingest_lake([corpus], lake, batch_files=4, compact_at=10**6)
    assert second.duplicate == loaded_first + 1  # what the first run loaded, and the byte-identical copy
    attach(tmp_path / "lake.duckdb", lake)
    found = diff(local_db, tmp_path / "lake.duckdb")
    found.pop("ingest_log")  # the lake's log holds both runs; checked below
    assert found == {t: (0, 0) for t in COMPARED if t != "ingest_log"}
    db = tmp_path / "lake.duckdb"
    assert count(db, "SELECT count(*) - count(DISTINCT filing_id) FROM filings") == 0
    assert count(db, "SELECT count(*) - count(DISTINCT (filing_id, seq)) FROM indicators") == 0
    # the log keeps both runs: each file loaded exactly once over the two
    assert count(db, "SELECT count(*) FROM ingest_log WHERE status = 'loaded'") == count(
        local_db, "SELECT count(*) FROM ingest_log WHERE status = 'loaded'")


def test_cli_ray_engine_refreshes_an_attached_file(local_ray, corpus, tmp_path):
    from typer.testing import CliRunner

    from etl.cli import app

    db, lake = tmp_path / "views.duckdb", tmp_path / "lake"
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(SEEDS), "--engine", "ray", "--lake", str(lake), "-q", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "loaded 2" in first.output
    assert runner.invoke(app, ["attach", "--db", str(db), "--lake", str(lake)]).exit_code == 0
    assert count(db, "SELECT count(*) FROM filings") == 7
    more = runner.invoke(app, ["ingest", str(corpus / "sample"), "--engine", "ray", "--lake", str(lake), "-q", "--db", str(db)])
    assert more.exit_code == 0, more.output
    assert count(db, "SELECT count(*) FROM filings") > 7  # no re-attach needed
    missing_lake = runner.invoke(app, ["ingest", str(SEEDS), "--engine", "ray", "-q"])
    assert missing_lake.exit_code == 2 and "--lake" in missing_lake.output


def test_compaction_keeps_every_row_once(local_ray, corpus, local_db, tmp_path):
    from etl.lake.compact import compact

    lake = tmp_path / "lake"
    ingest_lake([corpus], lake, batch_files=2, compact_at=10**6)
    before = sum(len(layout.data_files(lake, t)) for t in layout.PER_FILING)
    old = {p: p.read_bytes() for p in layout.data_files(lake, "indicators")}
    replaced = compact(lake, min_files=2)
    after = sum(len(layout.data_files(lake, t)) for t in layout.PER_FILING)
    assert replaced > 0 and after < before
    # a stop after the compaction's commit but before its deletes: the old files are back
    for p, data in old.items():
        p.write_bytes(data)
    attach(tmp_path / "lake.duckdb", lake)
    assert count(tmp_path / "lake.duckdb", "SELECT count(*) - count(DISTINCT (filing_id, seq)) FROM indicators") > 0
    layout.recover(lake)
    found = diff(local_db, tmp_path / "lake.duckdb")
    assert found == {t: (0, 0) for t in COMPARED}


def files_per_folder(lake: Path) -> int:
    """The most data files one table's partition (or one unpartitioned table) holds."""
    folders: dict[Path, int] = {}
    for table in layout.PER_FILING + layout.PER_FILE:
        for p in layout.data_files(lake, table):
            folders[p.parent] = folders.get(p.parent, 0) + 1
    return max(folders.values(), default=0)


def test_many_small_ingests_keep_each_partition_to_a_few_files_with_the_same_rows(local_ray, corpus, local_db, tmp_path):
    """Ingest the corpus two files at a time, one file per batch: without compaction every batch leaves a file
    per table and partition (ingest_log alone would hold one per file); with it (3 files of a size class merged
    while a run goes) no partition holds 3 files after any run, and the lake holds the local engine's rows."""
    lake = tmp_path / "lake"
    # (not the byte-identical copy: met in a later run, the local engine renames the file, the lake keeps its name)
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "copy_of_first.txt")
    assert len(files) >= 15
    most, during = [], 0
    same_runs = tmp_path / "local.duckdb"  # the local engine given the same runs (a file given alone is named alone)
    for k in range(0, len(files), 2):
        stats: dict = {}
        ingest_paths(files[k:k + 2], same_runs)
        ingest_lake(files[k:k + 2], lake, batch_files=1, compact_at=3, stats=stats)
        most.append(files_per_folder(lake))
        during += stats.get("files_compacted_during", 0)
    assert max(most) <= 2, most
    assert during > 0  # merged while the runs went on (after the last batch, so the merge after a run finds nothing)
    assert len(layout.committed(lake)) > len(files)  # every batch a commit of its own: many files were written
    attach(tmp_path / "lake.duckdb", lake)
    assert count(same_runs, "SELECT count(*) FROM filings") == count(local_db, "SELECT count(*) FROM filings")
    assert diff(same_runs, tmp_path / "lake.duckdb") == {t: (0, 0) for t in COMPARED}


def test_a_reader_sees_every_row_once_at_each_step_of_a_compaction(local_ray, corpus, local_db, tmp_path):
    """Compaction swaps each partition's folder in one step after its commit: a reader between any two steps,
    and after a compaction stopped half-way, reads the local engine's rows, no row twice, none missing."""
    from etl.lake.compact import can_exchange, compact

    assert can_exchange()  # Linux: renameat2 is there (elsewhere compaction falls back to move-then-delete)
    lake, view = tmp_path / "lake", tmp_path / "lake.duckdb"
    ingest_lake([corpus], lake, batch_files=2, compact_at=10**6)
    attach(view, lake)  # views over the lake's file globs, as the dashboard reads it
    before = files_per_folder(lake)
    assert before > 2
    per_filing = {t: COMPARED[t] for t in ("filings", "indicators", "findings", "sections", "copy_bands")}
    steps: list[str] = []

    def read_between(step: str) -> None:
        steps.append(step)
        assert diff(local_db, view, per_filing) == {t: (0, 0) for t in per_filing}, step
        if len(steps) == 4:
            raise KeyboardInterrupt  # stopped after its commit and a few partitions' swaps

    with pytest.raises(KeyboardInterrupt):
        compact(lake, min_files=2, on_step=read_between)
    assert steps[0] == "committed"
    assert diff(local_db, view, per_filing) == {t: (0, 0) for t in per_filing}  # the stopped lake, as it is
    layout.recover(lake)  # what the next run does first: the committed compaction is finished
    assert files_per_folder(lake) == 1
    assert not (lake / layout.STAGING).exists() or not any((lake / layout.STAGING).iterdir())
    assert diff(local_db, view) == {t: (0, 0) for t in COMPARED}


def test_corrections_travel_into_a_lake_and_stay_when_a_changed_file_is_refused(local_ray, tmp_path):
    """`jixiao export` carries the corrected rows, the corrections and the source copies; a Ray run that brings
    the file back with other bytes is refused (a lake does not replace versions yet), so the corrected version
    stays current with its corrections applied."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "道路养护.txt").write_text(self_eval_text(), encoding="utf-8")
    db = tmp_path / "local.duckdb"
    assert ingest_paths([src], db, workers=1).loaded == 1
    with store.writer(db) as con:
        fid = con.execute("SELECT filing_id FROM filings").fetchone()[0]
        ledger.save(con, fid, [Correction(kind=SET, row_key="p1", field="target", new_value="≥130公里")], "张三")
    lake = tmp_path / "lake"
    # the command a user runs (in its own process: this one holds a Ray client's threads)
    done = subprocess.run([sys.executable, "-m", "etl.cli", "export", "--db", str(db), "--lake", str(lake)],
                          cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    view = tmp_path / "view.duckdb"
    attach(view, lake)

    def ask(sql, params=()):
        con = duckdb.connect(str(view), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    assert ask("SELECT target FROM indicators WHERE filing_id = ? AND seq = 1", [fid]) == [("≥130公里",)]
    assert ask("SELECT reviewer, state FROM corrections") == [("张三", "applied")]
    assert ask("SELECT count(*) FROM source_blobs") == [(1,)]
    (src / "道路养护.txt").write_text(self_eval_text(executed=190), encoding="utf-8")
    summary = ingest_lake([src / "道路养护.txt"], lake, batch_files=1)
    assert summary.loaded == 0 and "数据湖暂不支持替换更正后的文件" in summary.results[0].error
    attach(view, lake)
    assert ask("SELECT reviewer, state FROM corrections") == [("张三", "applied")]
    assert ask("SELECT target FROM indicators WHERE filing_id = ? AND seq = 1", [fid]) == [("≥130公里",)]
    assert ask("SELECT count(*) FROM source_blobs") == [(1,)]


def test_corrections_give_the_same_rows_in_a_file_and_in_a_lake(local_ray, corpus, local_db, tmp_path):
    """Corrections of every kind saved in a DuckDB file, then: its `jixiao export` holds the very rows of the
    file; and a Ray run that reads the same bytes into a lake holding those corrections applies them in its
    per-file step as the save did, so the lake holds the rows of the file after `jixiao check`."""
    db = tmp_path / "corrected.duckdb"
    shutil.copy(local_db, db)
    rows = "SELECT f.filing_id FROM filings f WHERE (SELECT count(*) FROM indicators i WHERE i.filing_id = f.filing_id) >= 3"
    first, second = [r[0] for r in duckdb.connect(str(db), read_only=True).execute(f"{rows} ORDER BY 1 LIMIT 2").fetchall()]
    # a filing of another file, marked as none: that file's other filings stay
    alone = count(db, f"""SELECT min(filing_id) FROM filings WHERE source_sha256 <>
                          (SELECT source_sha256 FROM filings WHERE filing_id = '{first}')""")
    with store.writer(db) as con:
        ledger.save(con, first, [
            Correction(kind=SET, row_key="p1", field="target", new_value="≥130公里"),
            Correction(kind=SET, row_key="p2", field="score", new_value="3"),
            Correction(kind=SET, field="county", new_value="东风县"),  # the filing moves to another group
            Correction(kind=ADD_ROW, new_value={"after": "p2", "values": {"level1": "产出指标", "name": "新增巡查次数",
                                                                          "target": "≥12次", "weight": 5}}),
            Correction(kind=DELETE_ROW, row_key="p3"),
        ], "张三", "对照原件")
        ledger.save(con, second, [Correction(kind=CONFIRM)], "李四")
        ledger.save(con, alone, [Correction(kind=MARK, new_value="not_filing")], "李四")
    assert count(db, f"SELECT count(*) FROM indicators WHERE filing_id = '{first}' AND name = '新增巡查次数'") == 1

    def exported(lake: Path) -> None:  # the command a user runs, in its own process (this one holds Ray's threads)
        done = subprocess.run([sys.executable, "-m", "etl.cli", "export", "--db", str(db), "--lake", str(lake)],
                              cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    corrections = {"corrections": "*"}
    # a save places a filing's new findings between their neighbours (list_order a fraction), a build numbers
    # them 1, 2, 3…: the same list in the same order
    tables = {**COMPARED, "mart_finding_rows": "* EXCLUDE (list_order)"}
    order = "SELECT filing_id, indicator_seq, rule, message FROM mart_finding_rows ORDER BY list_order"

    def listed(at: Path) -> list:
        con = duckdb.connect(str(at), read_only=True)
        try:
            return con.execute(order).fetchall()
        finally:
            con.close()

    exported(tmp_path / "lake")
    attach(tmp_path / "lake.duckdb", tmp_path / "lake")
    assert diff(db, tmp_path / "lake.duckdb", tables) == {t: (0, 0) for t in tables}
    assert listed(db) == listed(tmp_path / "lake.duckdb")
    assert diff(db, tmp_path / "lake.duckdb", corrections) == {"corrections": (0, 0)}

    # a lake that holds the corrections but none of the rows: Ray reads the files and applies them
    (tmp_path / "read" / "derived").mkdir(parents=True)
    shutil.copy(tmp_path / "lake" / "derived" / "corrections.parquet", tmp_path / "read" / "derived")
    ingest_lake([corpus], tmp_path / "read")
    done = subprocess.run([sys.executable, "-m", "etl.cli", "check", "--db", str(db)],  # the copies and links again
                          cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    attach(tmp_path / "read.duckdb", tmp_path / "read")
    # (the run logs the file holding the filing marked as none with one filing fewer than the first ingest did)
    assert diff(db, tmp_path / "read.duckdb", {t: c for t, c in tables.items() if t != "ingest_log"}) == \
        {t: (0, 0) for t in tables if t != "ingest_log"}
    assert listed(db) == listed(tmp_path / "read.duckdb")
    assert diff(db, tmp_path / "read.duckdb", corrections) == {"corrections": (0, 0)}
    assert count(tmp_path / "read.duckdb", f"SELECT count(*) FROM filings WHERE filing_id = '{alone}'") == 0
    assert count(tmp_path / "read.duckdb", f"SELECT county FROM filings WHERE filing_id = '{first}'") == "东风县"
