"""`jixiao check` re-runs the rules on filings read back from DuckDB: the findings must not change."""
import duckdb

from etl.check import run_checks
from etl.check.examples import seed000_p2, seed003_selfeval
from etl.load.readback import read_filing, read_filings
from etl.load.store import LoadedFile, write_file
from etl.load.schema import create_schema


def _key(findings):
    return sorted((f.rule, f.indicator_seq, f.message) for f in findings)


def test_round_trip_keeps_the_findings(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    create_schema(con)
    filings = [seed003_selfeval(), seed000_p2()]
    for f in filings:
        f.source_file, f.source_sha256 = "seed.txt", "abc"
    filings[1].part_index = 1
    filings[1].parse_notes = ["第一条", "第二条"]
    write_file(con, LoadedFile(source_file="seed.txt", sha256="abc", fmt="txt", layout="tabbed", size=1,
                               is_sample=False, filings=filings, findings=[], metrics=[], reasons=[]))
    back = {f.filing_id: f for f in read_filings(con)}
    assert set(back) == {"seed003-selfeval", "seed000-p2"}
    for f in filings:
        got = back[f.filing_id]
        assert len(got.indicators) == len(f.indicators)
        assert [i.target_m for i in got.indicators] == [i.target_m for i in f.indicators]
        assert [i.actual_m for i in got.indicators] == [i.actual_m for i in f.indicators]
        assert _key(run_checks(got)) == _key(run_checks(f))
    p2 = read_filing(con, "seed000-p2")
    assert [p.value for p in p2.spending_plan] == [0.33, 0.66, 0.99, 0.34]
    assert p2.sections[0].text == "1.目标内容 1"
    assert p2.parse_notes == ["第一条", "第二条"]
    assert read_filing(con, "nope") is None
