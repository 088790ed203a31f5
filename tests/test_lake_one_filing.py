"""One filing's page over a lake reads what it reads over the DuckDB file.

Over a lake the page narrows each per-filing table to the filing's partition
(the `<table>_in(province, year)` macros of `jixiao attach`); these tests hold
every one-filing query to the file's answer, for filings with earlier years,
without a province or a year (the NULL partitions), with an earlier filing in
another partition than the one the look-up guesses, and for an unknown id.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries as q
from dashboard_db import write_filings
from etl.check.examples import row
from etl.lake.attach import attach
from etl.lake.from_database import export_db
from etl.records import Filing


def _filing(fid, year, kind, rows, province="广东省", **kw):
    return Filing(doc_kind=kind, department="示例县教育局", county="示例县" if province else None, province=province,
                  year=year, project="学生营养餐项目", indicators=rows, filing_id=fid, source_file=f"{fid}.txt",
                  source_sha256=fid, **kw)


def _rows(target_1000="≥1000人", actual="800人"):
    return [row(1, "产出指标", "数量指标", "受益学生人数", target_1000, actual, 45, 45),
            row(2, "产出指标", "质量指标", "供餐合格率", "≥95%", "95%", 45, 45),
            row(3, "效益指标", "社会效益指标", "学生营养状况", "明显改善", "有所提高", 10, 10)]


FILINGS = [
    _filing("e21", 2021, "project_self_eval", _rows(actual="1000人"), budget_adjusted=90, budget_executed=90,
            total_weight=100, total_score=100),
    _filing("e22", 2022, "project_self_eval", _rows(), budget_adjusted=100, budget_executed=70, exec_weight=10,
            exec_score=7, total_weight=100, total_score=97),
    _filing("t23", 2023, "project_target", [row(1, "产出指标", "数量指标", "受益学生人数", "≥900人"),
                                            row(2, "产出指标", "质量指标", "供餐合格率", "≥95%")]),
    # the province printed in traditional script: the same series (names are folded), but its own
    # partition, which the look-up does not guess
    _filing("h20", 2020, "project_self_eval", _rows(actual="900人"), province="廣東省"),
    _filing("np", 2022, "project_self_eval", _rows(), province=None),  # place unknown: province=NULL partition
    _filing("ny", None, "project_target", _rows()),  # year unknown
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("one_filing")
    local = tmp / "local.duckdb"
    write_filings(local, FILINGS)
    export_db(local, tmp / "lake")
    attach(tmp / "attached.duckdb", tmp / "lake")
    return local, tmp / "attached.duckdb"


QUERIES = {
    "filing": lambda qs, fid: pd.DataFrame([qs.filing(fid)]) if qs.filing(fid) else pd.DataFrame(),
    "filing_indicators": lambda qs, fid: qs.filing_indicators(fid),
    "filing_findings": lambda qs, fid: qs.filing_findings(fid),
    "filing_sections": lambda qs, fid: qs.filing_sections(fid),
    "filing_plan": lambda qs, fid: qs.filing_plan(fid),
    "filing_clusters": lambda qs, fid: qs.filing_clusters(fid),
    "filing_earlier_years": lambda qs, fid: qs.filing_earlier_years(fid),
    "indicator_history": lambda qs, fid: qs.indicator_history(fid),
    "indicator_row": lambda qs, fid: pd.DataFrame([qs.indicator_row(fid, 1) or {}]),
}


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a.astype(object).where(a.notna(), None).values.tolist() == b.astype(object).where(b.notna(), None).values.tolist()


@pytest.mark.parametrize("fid", [f.filing_id for f in FILINGS] + ["no-such-filing"])
@pytest.mark.parametrize("name", list(QUERIES))
def test_lake_answers_as_the_file(stores, name, fid):
    local, attached = stores
    lake, file = q.connect(attached), q.connect(local)
    assert isinstance(lake, q.LakeQueries) and not isinstance(file, q.LakeQueries)
    _same(QUERIES[name](lake, fid), QUERIES[name](file, fid))


def test_the_corpus_exercises_history_and_the_null_partitions(stores, monkeypatch):
    """Guards the test above: it compares rows, not empty frames."""
    local, attached = stores
    lake = q.connect(attached)
    monkeypatch.setattr(lake, "_partitions", {})  # nothing located by the tests above: h20's guess must fail here
    assert set(lake.indicator_history("t23")["filing_id"]) == {"h20", "e21", "e22"}
    assert list(lake.filing_earlier_years("t23")["filing_id"]) == ["e22"]
    assert len(lake.filing_indicators("np")) == 3 and lake.filing("np")["province"] is None
    assert len(lake.filing_indicators("ny")) == 3 and pd.isna(lake.filing("ny")["year"])
    assert lake.filing_findings("e22")["rule"].notna().any()
