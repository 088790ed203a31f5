"""The two seed filings parse completely and correctly, end to end into DuckDB."""
from __future__ import annotations

import pytest

from tests.conftest import query


def filing(db, kind, project=None):
    sql = "SELECT * FROM filings WHERE doc_kind = ?" + (" AND project = ?" if project else "") + " ORDER BY source_file, part_index"
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    cur = con.execute(sql, [kind, project] if project else [kind])
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    con.close()
    assert rows, f"no {kind} filing"
    return rows[0]


def test_seed_003_self_evaluation_money_block_and_total(seeds_db):
    f = filing(seeds_db, "dept_self_eval")
    assert f["department"] == "株洲市渌口区工商业联合会"
    assert (f["province"], f["city"], f["county"]) == ("湖南省", "株洲市", "渌口区")
    assert f["year"] == 2022
    assert f["budget_initial"] == pytest.approx(116.41)
    assert f["budget_adjusted"] == pytest.approx(160.48)
    assert f["budget_executed"] == pytest.approx(160.48)
    assert f["exec_rate_reported"] == pytest.approx(1.0)
    assert (f["exec_weight"], f["exec_score"]) == (10, 10)
    assert (f["total_weight"], f["total_score"]) == (100, 93)
    assert f["parse_status"] == "ok"


def test_seed_003_self_evaluation_indicator_rows(seeds_db):
    f = filing(seeds_db, "dept_self_eval")
    rows = query(
        seeds_db,
        "SELECT seq, level1, level2, name, target, actual, weight, score, target_op, target_num, target_unit "
        "FROM indicators WHERE filing_id = ? ORDER BY seq",
        [f["filing_id"]],
    )
    assert len(rows) == 22  # the empty 生态效益指标 '无' row is not an indicator
    assert rows[0][1:8] == ("产出指标", "数量指标", "人员保障", "7人", "7人", 2.5, 2.5)
    # level names lose their score part and words broken across lines are joined
    assert rows[14][1:3] == ("效益指标", "经济效益指标")
    assert rows[14][4:8] == ("≧95%", "≧92%", 5, 4)
    assert rows[14][8:] == (">=", 95.0, "%")
    assert rows[-1][1:4] == ("满意度指标", "服务对象满意度指标", "工商联执常委对工商联工作认可度")
    assert sum(r[6] for r in rows) + 10 == 100
    assert sum(r[7] for r in rows) + 10 == 93


def test_seed_003_holds_target_table_self_evaluation_and_report(seeds_db):
    kinds = query(
        seeds_db,
        "SELECT part_index, doc_kind FROM filings WHERE source_file LIKE '003_%' ORDER BY part_index",
    )
    assert kinds == [(0, "dept_target"), (1, "dept_self_eval"), (2, "self_eval_report")]
    report = filing(seeds_db, "self_eval_report")
    assert report["total_score"] == 93
    assert report["budget_initial"] == pytest.approx(116.41)
    assert report["budget_executed"] == pytest.approx(160.48)
    headings = [r[0] for r in query(seeds_db, "SELECT heading FROM sections WHERE filing_id = ? ORDER BY seq", [report["filing_id"]])]
    assert "四、存在的问题及原因分析" in headings


def test_seed_000_three_project_target_tables(seeds_db):
    rows = query(
        seeds_db,
        "SELECT project, budget_adjusted, department, unit, year, county FROM filings "
        "WHERE doc_kind = 'project_target' ORDER BY part_index",
    )
    assert [r[0] for r in rows] == [
        "非公经济人士理想信念教育、培训座谈会经费",
        "工商联机关综合保障经费",
        "开展友好商会交流学习和会员考察活动经费",
    ]
    assert [r[1] for r in rows] == [pytest.approx(0.67), pytest.approx(1.33), pytest.approx(2.2)]
    assert {r[2:] for r in rows} == {("正定县工商业联合会", "正定县工商业联合会本级", 2023, "正定县")}


def test_seed_000_spending_plan_and_basis_are_kept(seeds_db):
    f = filing(seeds_db, "project_target", "工商联机关综合保障经费")
    plan = query(seeds_db, "SELECT period, value FROM spending_plan WHERE filing_id = ? ORDER BY seq", [f["filing_id"]])
    assert plan == [("3月底", 0.33), ("6月底", 0.66), ("10月底", 0.99), ("12月底", 0.34)]
    f1 = filing(seeds_db, "project_target", "非公经济人士理想信念教育、培训座谈会经费")
    basis = query(seeds_db, "SELECT name, target, basis FROM indicators WHERE filing_id = ? ORDER BY seq", [f1["filing_id"]])
    assert basis[0] == ("举办座谈会次数", "1次", "历史经验标准")  # '举办座谈会 次数' wrapped in the source
    assert basis[-1] == ("满意度", "≥95%", "历史惊讶标准")  # kept as printed; the checks flag it


def test_every_row_says_where_it_came_from(seeds_db):
    missing = query(seeds_db, "SELECT count(*) FROM indicators WHERE src_line_start IS NULL OR src_where IS NULL")
    assert missing == [(0,)]
    where = query(
        seeds_db,
        "SELECT i.src_line_start, i.src_where FROM indicators i JOIN filings f USING (filing_id) "
        "WHERE f.doc_kind = 'dept_self_eval' AND i.seq = 1",
    )
    # 人员保障 of the self-evaluation stands on lines 278-289 of seed 003
    assert where[0][0] == 278 and "第278" in where[0][1]
