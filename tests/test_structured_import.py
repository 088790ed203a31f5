"""Structured imports: a budget system's long-format export loads exactly, or not at all with row-level errors."""
from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli import app
from tests.conftest import SEED_003, query
from tests.structured_files import (EVAL_EXTRA, EVAL_HEADER, HEADER, ROWS, blocked_xlsx, csv_bytes, write,
                                    xls_bytes, xlsx_bytes)

runner = CliRunner()


def _import(db, *paths, skip=False):
    args = ["import", *map(str, paths), "--db", str(db), "-q"] + (["--skip-bad-rows"] if skip else [])
    return runner.invoke(app, args)


def _tables(db) -> dict:
    """Everything a failed import must leave as it was."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("filings", "indicators", "findings", "source_files", "filing_metrics")}
    finally:
        con.close()


@pytest.fixture
def loaded_db(tmp_path):
    """A database that already holds a published filing (so 'unchanged' means something)."""
    db = tmp_path / "x.duckdb"
    assert runner.invoke(app, ["ingest", str(SEED_003), "--db", str(db), "-q"]).exit_code == 0
    return db


def test_target_export_loads_exactly_with_codes_as_text_and_provenance(tmp_path):
    f = write(tmp_path / "导出.xlsx", xlsx_bytes(HEADER, ROWS))
    db = tmp_path / "x.duckdb"
    result = _import(db, f)
    assert result.exit_code == 0, result.output
    assert "loaded 1, duplicate 0, failed 0 (3 filings)" in result.output
    got = query(db, """SELECT project_code, project, department, department_code, doc_kind, year, county,
                              source_kind, parse_confidence, src_sheet, src_row
                       FROM filings ORDER BY src_row""")
    assert got == [
        ("000012345678901234567", "乡村学校课桌椅更新项目", "县示范教育局", "007001", "project_target", 2023, "茶陵县",
         "structured", 1.0, "项目绩效目标", 3),
        ("000012345678901234568", "教师培训项目", "县示范教育局", "007001", "project_target", 2023, "茶陵县",
         "structured", 1.0, "项目绩效目标", 6),
        ("000098765432109876543", "高标准农田建设项目", "县示范农业农村局", "009002", "project_target", 2023, "茶陵县",
         "structured", 1.0, "项目绩效目标", 8),
    ]
    rows = query(db, """SELECT i.seq, i.name, i.target, i.target_op, i.target_num, i.target_unit, i.weight, i.src_row,
                               i.src_where, i.parse_confidence
                        FROM indicators i JOIN filings f USING (filing_id)
                        WHERE f.project = '乡村学校课桌椅更新项目' ORDER BY i.seq""")
    assert rows == [
        (1, "更新课桌椅套数", "≥1200套", ">=", 1200.0, "套", 20.0, 3, "工作表「项目绩效目标」 第3行", 1.0),
        (2, "验收合格率", "=100%", "=", 100.0, "%", 20.0, 4, "工作表「项目绩效目标」 第4行", 1.0),
        (3, "学生学习条件", "明显改善", None, None, None, 30.0, 5, "工作表「项目绩效目标」 第5行", 1.0),
    ]
    # every rule runs on imported filings: the qualitative 学生学习条件 is the kind of row the vague rules read
    assert query(db, "SELECT count(*) FROM findings")[0][0] >= 0
    assert query(db, "SELECT count(*) FROM filing_metrics")[0][0] == 3


def test_self_evaluation_export_with_summary_sheet(tmp_path):
    rows = [r + e for r, e in zip(ROWS, EVAL_EXTRA)]
    summary = (["项目代码", "项目名称", "自评总分", "自评等级"],
               [["000012345678901234567", "乡村学校课桌椅更新项目", 88, "良"],
                ["000012345678901234568", "教师培训项目", 100, "优"],
                ["000098765432109876543", "高标准农田建设项目", 96, "优"]])
    f = write(tmp_path / "自评.xlsx", xlsx_bytes(EVAL_HEADER, rows, sheet="自评明细", extra_sheets={"汇总": summary}))
    db = tmp_path / "x.duckdb"
    assert _import(db, f).exit_code == 0
    got = query(db, "SELECT project, doc_kind, total_score, grade_reported FROM filings ORDER BY src_row")
    assert got == [("乡村学校课桌椅更新项目", "project_self_eval", 88.0, "良"), ("教师培训项目", "project_self_eval", 100.0, "优"),
                   ("高标准农田建设项目", "project_self_eval", 96.0, "优")]
    ind = query(db, """SELECT actual, actual_num, actual_unit, score, reason FROM indicators
                       WHERE name = '更新课桌椅套数'""")
    assert ind == [("1180套", 1180.0, "套", 18.0, "部分学校合并，需求减少；改进措施：按实际需求调整")]


def test_department_level_variant(tmp_path):
    header = ["区划代码", "年度", "部门代码", "部门名称", "一级指标名称", "二级指标名称", "三级指标名称", "指标值", "计量单位", "权重"]
    rows = [["430224000", 2023, "007001", "县示范教育局", "产出指标", "数量指标", "义务教育学校数", 42, "所", 30],
            ["430224000", 2023, "007001", "县示范教育局", "效益指标", "社会效益指标", "义务教育巩固率", "≥98%", "", 30],
            ["430224000", 2023, "009002", "县示范农业农村局", "产出指标", "数量指标", "农技推广站点数", 18, "个", 40]]
    db = tmp_path / "x.duckdb"
    assert _import(db, write(tmp_path / "部门.csv", csv_bytes(header, rows))).exit_code == 0
    assert query(db, "SELECT department, doc_kind, project FROM filings ORDER BY department") == [
        ("县示范农业农村局", "dept_target", None), ("县示范教育局", "dept_target", None)]
    assert query(db, "SELECT target, target_op, target_num, target_unit FROM indicators WHERE name = '义务教育巩固率'") == [
        ("≥98%", ">=", 98.0, "%")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_csv_in_any_common_encoding_reads_the_same(tmp_path, encoding):
    db = tmp_path / "x.duckdb"
    result = _import(db, write(tmp_path / "导出.csv", csv_bytes(HEADER, ROWS, encoding)))
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT project_code, count(*) FROM filings JOIN indicators USING (filing_id) GROUP BY 1 ORDER BY 1") == [
        ("000012345678901234567", 3), ("000012345678901234568", 2), ("000098765432109876543", 2)]


def test_xls_reads_the_same(tmp_path):
    db = tmp_path / "x.duckdb"
    assert _import(db, write(tmp_path / "导出.xls", xls_bytes(HEADER, ROWS))).exit_code == 0
    assert query(db, "SELECT count(*), count(DISTINCT project_code) FROM filings") == [(3, 3)]
    assert query(db, "SELECT min(project_code) FROM filings") == [("000012345678901234567",)]


def test_blocks_with_merged_cells_and_two_row_header(tmp_path):
    db = tmp_path / "x.duckdb"
    result = _import(db, write(tmp_path / "分块.xlsx", blocked_xlsx()))
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT project_code, project, department, year FROM filings ORDER BY project_code") == [
        ("0510001", "校舍维修项目", "县示范教育局", 2023), ("0510002", "营养餐项目", "县示范教育局", 2023)]
    assert query(db, """SELECT f.project_code, i.indicator_code, i.name, i.target, i.src_row FROM indicators i
                        JOIN filings f USING (filing_id) ORDER BY 1, 2""") == [
        ("0510001", "0101", "维修校舍面积", "≥2000平方米", 5), ("0510001", "0102", "维修工程验收合格率", "100%", 6),
        ("0510002", "0101", "受益学生人数", "5000人", 7), ("0510002", "0102", "食品安全事故数", "0起", 8)]


def test_ingest_reads_an_export_as_structured_and_a_published_table_as_a_document(tmp_path):
    from etl.sample.generate import generate_filings
    from etl.write import render

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "导出.xlsx", xlsx_bytes(HEADER, ROWS))
    write(folder / "公开.xlsx", render(generate_filings(2)[:2], "xlsx"))
    db = tmp_path / "x.duckdb"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT source_file, source_kind, count(*) FROM filings GROUP BY ALL ORDER BY 1") == [
        ("公开.xlsx", "document", 2), ("导出.xlsx", "structured", 3)]
    assert query(db, "SELECT DISTINCT layout FROM source_files WHERE source_file = '导出.xlsx'") == [("structured",)]


# ---------------------------------------------------------------- malformed exports: row-level errors, nothing loaded

def _fails(db, path, *expected: str) -> str:
    before = _tables(db)
    result = _import(db, path)
    assert result.exit_code == 1, result.output
    assert "failed 1" in result.output
    error = query(db, "SELECT error FROM ingest_log WHERE status = 'failed' AND source_file = ?", [path.name])[0][0]
    for text in expected:
        assert text in error, error
    assert _tables(db) == before  # nothing of the file was written
    return error


def test_missing_required_column(loaded_db, tmp_path):
    header = [h for h in HEADER if h != "年度"]
    rows = [[v for h, v in zip(HEADER, r) if h != "年度"] for r in ROWS]
    f = write(tmp_path / "缺列.xlsx", xlsx_bytes(header, rows))
    _fails(loaded_db, f, "缺列.xlsx：工作表「项目绩效目标」 第2行 「年度」列：缺少必需的列「年度」")


def test_duplicate_key(loaded_db, tmp_path):
    rows = ROWS + [list(ROWS[1])]  # 验收合格率 of the same division, year and project again
    f = write(tmp_path / "重复.xlsx", xlsx_bytes(HEADER, rows))
    _fails(loaded_db, f, "重复.xlsx：工作表「项目绩效目标」 第10行 I列「三级指标名称」：重复的指标",
           "在第4行已出现")


def test_project_with_no_indicators(loaded_db, tmp_path):
    rows = ROWS + [["430224000", "2023", "007001", "县示范教育局", "000012345678909999999", "空项目"] + [""] * 7]
    f = write(tmp_path / "空项目.xlsx", xlsx_bytes(HEADER, rows))
    _fails(loaded_db, f, "空项目.xlsx：工作表「项目绩效目标」 第10行：项目「空项目」（项目代码 000012345678909999999）没有任何指标行")


def test_non_numeric_weight(loaded_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[3][12] = "二十"
    f = write(tmp_path / "权重.xlsx", xlsx_bytes(HEADER, rows))
    _fails(loaded_db, f, "权重.xlsx：工作表「项目绩效目标」 第6行 M列「权重」：权重「二十」不是数字")


def test_unit_that_disagrees_between_target_and_actual(loaded_db, tmp_path):
    header = EVAL_HEADER[:13] + ["完成值", "完成值单位", "得分"]
    rows = [r + [e[0], r[11], e[1]] for r, e in zip(ROWS, EVAL_EXTRA)]
    rows[5][14] = "公顷"  # 新建高标准农田面积: target in 亩, actual in 公顷
    f = write(tmp_path / "单位.xlsx", xlsx_bytes(header, rows))
    _fails(loaded_db, f, "单位.xlsx：工作表「项目绩效目标」 第8行 O列「完成值单位」：完成值的计量单位「公顷」与指标值的计量单位「亩」不一致")


def test_code_stored_as_a_long_number_is_refused(loaded_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][4] = 5.1e20
    f = write(tmp_path / "代码.xlsx", xlsx_bytes(HEADER, rows))
    _fails(loaded_db, f, "第3行 E列「项目代码」：项目代码以数字保存", "原代码已丢失")
    rows[0][4] = "5.1E+20"
    g = write(tmp_path / "代码.csv", csv_bytes(HEADER, rows))
    _fails(loaded_db, g, "代码.csv：工作表「CSV」 第2行 E列「项目代码」：项目代码「5.1E+20」是科学计数法")


@pytest.mark.slow
def test_every_problem_is_listed_and_skip_bad_rows_loads_the_rest(loaded_db, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[3][12] = "二十"
    rows[6][12] = "n/a"
    f = write(tmp_path / "两处.xlsx", xlsx_bytes(HEADER, rows))
    error = _fails(loaded_db, f, "有 2 处问题，整个文件未导入", "第6行 M列「权重」", "第9行 M列「权重」")
    assert error.count("两处.xlsx：") >= 2
    result = _import(loaded_db, f, skip=True)
    assert result.exit_code == 0, result.output
    assert "跳过" in result.output and "第6行" in result.output
    log = query(loaded_db, "SELECT status, filings, error FROM ingest_log WHERE source_file = '两处.xlsx' ORDER BY ingested_at DESC LIMIT 1")
    assert log[0][:2] == ("loaded", 3)
    assert "已跳过 2 处有问题的行" in log[0][2] and "第6行 M列「权重」" in log[0][2] and "第9行 M列「权重」" in log[0][2]
    assert query(loaded_db, """SELECT count(*) FROM indicators JOIN filings USING (filing_id)
                               WHERE source_file = '两处.xlsx'""") == [(5,)]


def test_not_an_export_is_refused_by_import(loaded_db, tmp_path):
    f = write(tmp_path / "说明.csv", "这是一个说明文件\n没有表头\n".encode("utf-8"))
    _fails(loaded_db, f, "没有找到系统导出的长表表头")


def test_target_and_self_evaluation_link_by_project_code_across_files_and_years(tmp_path):
    # 2022 targets; the 2023 self-evaluation of the same projects, one renamed: the code still joins them
    targets = [[r[0], "2022"] + r[2:] for r in ROWS]
    evals = [r + e for r, e in zip(ROWS, EVAL_EXTRA)]
    for r in evals:
        if r[5] == "教师培训项目":
            r[5] = "中小学教师能力提升培训"
    db = tmp_path / "x.duckdb"
    a = write(tmp_path / "目标2022.xlsx", xlsx_bytes(HEADER, targets))
    b = write(tmp_path / "自评2023.csv", csv_bytes(EVAL_HEADER, evals))
    assert _import(db, a, b).exit_code == 0
    links = query(db, """SELECT f.project_code, f.doc_kind, p.doc_kind, l.match, f.project, p.project
                         FROM filing_links l JOIN filings f ON f.filing_id = l.filing_id
                         JOIN filings p ON p.filing_id = l.prev_filing_id ORDER BY 1""")
    assert [(code, kind, prev, match) for code, kind, prev, match, *_ in links] == [
        ("000012345678901234567", "project_self_eval", "project_target", "code"),
        ("000012345678901234568", "project_self_eval", "project_target", "code"),
        ("000098765432109876543", "project_self_eval", "project_target", "code")]
    assert ("中小学教师能力提升培训", "教师培训项目") in [tuple(x[4:]) for x in links]


def test_an_older_database_gets_the_new_columns_and_its_filings_are_documents(tmp_path):
    from etl.load import store

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))  # a database made before source_kind existed
    con.execute("""CREATE TABLE filings (filing_id VARCHAR PRIMARY KEY, source_file VARCHAR NOT NULL,
                   source_sha256 VARCHAR NOT NULL, part_index INTEGER NOT NULL, doc_kind VARCHAR NOT NULL,
                   parse_status VARCHAR NOT NULL)""")
    con.execute("INSERT INTO filings VALUES ('a-00', '旧.txt', 'a', 0, 'dept_target', 'ok')")
    con.close()
    store.connect(db).close()  # what every ingest and import does first
    assert query(db, "SELECT filing_id, source_kind, superseded FROM filings") == [("a-00", "document", False)]
    assert query(db, """SELECT count(*) FROM information_schema.columns
                        WHERE table_name = 'indicators' AND column_name = 'indicator_code'""") == [(1,)]


def test_ingest_reads_a_table_that_only_looks_like_an_export_as_a_document(tmp_path):
    """A published multi-project table with a 项目编码 column but no 年度: ingest parses it as the document it is
    (`import` would name the missing column)."""
    header = ["单位名称", "项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "指标值", "分值"]
    rows = [["县示范教育局", "0510001", "校舍维修项目", "产出指标", "数量指标", "维修校舍面积", "≥2000平方米", 50],
            ["县示范教育局", "0510001", "校舍维修项目", "产出指标", "质量指标", "验收合格率", "100%", 50]]
    f = write(tmp_path / "公开的申报表.xlsx", xlsx_bytes(header, rows, title="县示范教育局2023年项目支出绩效目标申报表"))
    db = tmp_path / "x.duckdb"
    runner.invoke(app, ["ingest", str(f), "--db", str(db), "-q"])
    logged = query(db, "SELECT status, coalesce(error, '') FROM ingest_log")
    assert logged and "缺少必需的列" not in logged[0][1]
    assert query(db, "SELECT DISTINCT source_kind FROM filings") in ([], [("document",)])
    assert _import(tmp_path / "y.duckdb", f).exit_code == 1  # import: the missing 年度 named


def test_the_import_command_keeps_pandas_out_of_its_process(tmp_path):
    """DuckDB's client imports pandas on a connection's first statement with parameters (~1.5 s, ~50 MB); no ETL
    module needs it, so `jixiao import` marks it missing (etl/bulk.py without_pandas) and loads all the same."""
    import subprocess
    import sys
    from pathlib import Path

    src = write(tmp_path / "export.xlsx", xlsx_bytes(HEADER, ROWS))
    db = tmp_path / "x.duckdb"
    code = ("import sys, runpy; sys.argv = ['jixiao', 'import', sys.argv[1], '--db', sys.argv[2], '-q']\n"
            "try:\n    runpy.run_module('etl.cli', run_name='__main__')\n"
            "except SystemExit as e:\n    print('exit', e.code, 'pandas' in sys.modules and sys.modules['pandas'] is not None)")
    out = subprocess.run([sys.executable, "-c", code, str(src), str(db)], capture_output=True, text=True,
                         cwd=str(Path(__file__).resolve().parents[1]))
    assert out.stdout.strip().splitlines()[-1] == "exit 0 False", out.stderr[-2000:]
    assert "失败" not in out.stderr, out.stderr[-2000:]  # the cross-file refresh and the marts ran (Arrow without pandas)
    assert query(db, "SELECT count(*) FROM filings WHERE source_kind = 'structured'")[0][0] > 0
    assert query(db, "SELECT count(*) FROM meta WHERE key IN ('copies_pending', 'marts_pending')")[0][0] == 0


def test_arrow_and_duckdb_work_in_a_process_that_keeps_pandas_out():
    """pyarrow's pandas shim (Cython) takes whatever sys.modules holds for pandas, so pandas is refused by an
    import finder, not by None in sys.modules (which pyarrow then asked for its __version__)."""
    import subprocess
    import sys

    code = ("import sys\nfrom etl.bulk import without_pandas\nassert without_pandas()\nimport pyarrow as pa, duckdb\n"
            "t = pa.table({'a': pa.array(['x', None])})\ncon = duckdb.connect()\n"
            "print(con.execute('SELECT count(a), ? FROM t', [1]).fetchall(), 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[(1, 1)] False", out.stderr[-2000:]
