"""Soft targets across years and peers: keys, links, the six rules, the tables and indices they fill."""
from __future__ import annotations

import duckdb
import pytest

from etl.check import load_settings, run_checks, soft_findings
from etl.check.examples import row
from etl.check.series_index import SeriesIndex
from etl.link.keys import fold_project, indicator_key
from etl.link.series import assign_series, year_links
from etl.load import store
from etl.recheck import recheck, refresh_soft
from etl.records import Filing, Finding

S = load_settings()
DEPT = "示例县教育局"


def filing(year, kind, rows, *, dept=DEPT, project="农村学校营养餐项目", county="示例县", fid=None, code=None,
           province="湖南省", **kw):
    return Filing(doc_kind=kind, department=dept, county=county, province=province, year=year,
                  project=project if kind.startswith("project") else None, project_code=code,
                  indicators=rows, filing_id=fid or f"{dept}-{project}-{year}-{kind}", source_file=f"{dept}{year}.txt", **kw)


def evals(year, spec, **kw):
    """A project self-evaluation: spec = [(level2, name, target, actual), ...]."""
    return filing(year, "project_self_eval", [row(k, "产出指标", l2, n, t, a, 10, 10) for k, (l2, n, t, a) in
                                              enumerate(spec, start=1)], **kw)


def target(year, spec, **kw):
    return filing(year, "project_target", [row(k, "产出指标", l2, n, t) for k, (l2, n, t) in enumerate(spec, start=1)],
                  **kw)


def hits(filings, rule):
    return sorted((f.filing_id, f.indicator_seq) for f in soft_findings(filings, S) if f.rule == rule)


# ------------------------------------------------------------------ identity


def test_key_folds_script_numbering_punctuation_and_synonyms():
    a = row(1, "产出指标", "质量指标", "指标1：学生 满意率（%）", "≥95%")
    b = row(1, "產出指標", "质量", "學生滿意度", "≥90%")
    assert indicator_key(a, S) == indicator_key(b, S) == "质量|学生满意度|%"
    # the same name with a count target is another indicator
    assert indicator_key(row(1, None, "质量指标", "学生满意度", "300人"), S) != indicator_key(a, S)
    assert fold_project("2023年农村学校营养餐项目") == fold_project("2022年度 农村学校营养餐") == "农村学校营养餐"


def test_projects_link_across_years_by_name_code_and_fuzzy_drift():
    fs = [
        target(2021, [("数量指标", "受益学生", "≥100人")], project="2021年农村学校营养餐项目", fid="a21"),
        target(2022, [("数量指标", "受益学生", "≥100人")], project="2022年农村学校学生营养餐项目", fid="a22"),
        target(2023, [("数量指标", "受益学生", "≥100人")], project="营养午餐", code="P-7", fid="a23"),
        target(2022, [("数量指标", "受益学生", "≥100人")], project="校舍维修", code="P-7", fid="b22"),
        # another department's project of the same name is another series
        target(2022, [("数量指标", "受益学生", "≥100人")], project="2022年农村学校营养餐项目", dept="示例县卫健局", fid="c22"),
    ]
    members = assign_series(fs, S)
    sid = {f.filing_id: m.series_id for f, m in zip(fs, members)}
    assert sid["a21"] == sid["a22"] and members[1].match == "fuzzy" and 0.85 <= members[1].similarity < 1
    assert sid["a23"] == sid["b22"] != sid["a22"]  # the code wins over the name
    assert sid["c22"] != sid["a22"]
    links = {(fs[k.filing].filing_id, fs[k.prev].filing_id) for k in year_links(fs, members)}
    assert links == {("a22", "a21"), ("a23", "b22")}


def test_a_county_name_found_in_two_provinces_is_two_series():
    """Made-up 鼓楼区 departments of two provinces: same county and department names, different places."""
    fs = [target(2022, [("数量指标", "受益学生", "≥100人")], county="鼓楼区", dept="鼓楼区教育局", province="江苏省", fid="js22"),
          target(2023, [("数量指标", "受益学生", "≥90人")], county="鼓楼区", dept="鼓楼区教育局", province="福建省", fid="fj23"),
          target(2023, [("数量指标", "受益学生", "≥100人")], county="鼓楼区", dept="鼓楼区教育局", province="江蘇省", fid="js23")]
    members = assign_series(fs, S)
    sid = {f.filing_id: m.series_id for f, m in zip(fs, members)}
    assert sid["js22"] != sid["fj23"]
    assert sid["js22"] == sid["js23"]  # the province as printed in traditional script is the same province
    assert {(fs[k.filing].filing_id, fs[k.prev].filing_id) for k in year_links(fs, members)} == {("js23", "js22")}
    assert hits(fs, "SOFT_TARGET_LOWERED") == []  # 福建's lower target is not 江苏's lowered one


def test_two_alike_projects_of_one_year_stay_two_series():
    fs = [target(2022, [("数量指标", "道路", "≥5公里")], project="甲村道路建设项目", fid="x"),
          target(2022, [("数量指标", "道路", "≥5公里")], project="乙村道路建设项目", fid="y"),
          target(2023, [("数量指标", "道路", "≥5公里")], project="乙村道路建设项目", fid="y2")]
    members = assign_series(fs, S)
    assert members[0].series_id != members[1].series_id == members[2].series_id


# ------------------------------------------------------------------ cross-year rules

CLEAN = [
    evals(2022, [("数量指标", "受益学生人数", "≥1000人", "1010人"), ("质量指标", "供餐合格率", "≥95%", "96%"),
                 ("质量指标", "食品安全事故发生率", "≤1%", "0.5%"), ("成本指标", "人均补助标准", "≤800元", "780元")],
          fid="e22"),
    target(2023, [("数量指标", "受益学生人数", "≥1010人"), ("质量指标", "供餐合格率", "≥96%"),
                  ("质量指标", "食品安全事故发生率", "≤0.5%"), ("成本指标", "人均补助标准", "≤900元")], fid="t23"),
]


def test_clean_series_gives_no_soft_finding():
    assert [f for f in soft_findings(CLEAN, S)] == []


def test_target_lowered_is_direction_aware():
    fs = [CLEAN[0], target(2023, [("数量指标", "受益学生人数", "≥900人"), ("质量指标", "供餐合格率", "≥96%"),
                                  ("质量指标", "食品安全事故发生率", "≤2%")], fid="t23")]
    assert hits(fs, "SOFT_TARGET_LOWERED") == [("t23", 1), ("t23", 3)]  # 1000 -> 900; ceiling 1% -> 2%
    msg = next(f for f in soft_findings(fs, S) if f.rule == "SOFT_TARGET_LOWERED" and f.indicator_seq == 1)
    assert "≥900人" in msg.message and "≥1000人" in msg.message and "2022年" in msg.message
    assert "示例县教育局2022.txt" in msg.evidence and "示例县教育局2023.txt" in msg.evidence


def test_target_below_last_actual_but_not_lowered():
    fs = [evals(2022, [("数量指标", "受益学生人数", "≥1000人", "1300人")], fid="e22"),
          target(2023, [("数量指标", "受益学生人数", "≥1100人")], fid="t23")]
    assert hits(fs, "SOFT_TARGET_BELOW_LAST_ACTUAL") == [("t23", 1)]
    assert hits(fs, "SOFT_TARGET_LOWERED") == []


def test_money_rows_and_satisfaction_are_not_judged_across_years():
    fs = [evals(2022, [("成本指标", "项目总成本", "≤100万元", "60万元"), ("满意度指标", "家长满意度", "≥90%", "99%")], fid="e22"),
          target(2023, [("成本指标", "项目总成本", "≤150万元"), ("满意度指标", "家长满意度", "≥90%")], fid="t23")]
    assert soft_findings(fs, S) == []


def test_always_exceeded_needs_two_years_running():
    one = [evals(2022, [("数量指标", "培训人次", "≥100人次", "120人次")], fid="e22"),
           evals(2023, [("数量指标", "培训人次", "≥100人次", "200人次")], fid="e23")]
    assert hits(one, "SOFT_ALWAYS_EXCEEDED") == []
    two = [evals(2022, [("数量指标", "培训人次", "≥100人次", "160人次")], fid="e22"),
           evals(2023, [("数量指标", "培训人次", "≥100人次", "200人次")], fid="e23")]
    assert hits(two, "SOFT_ALWAYS_EXCEEDED") == [("e23", 1)]
    f = next(x for x in soft_findings(two, S) if x.rule == "SOFT_ALWAYS_EXCEEDED")
    assert "160人次" in f.message and "200人次" in f.message


def _peer(k, tgt, dept=None, year=2023, province="湖南省"):
    return target(year, [("质量指标", "供餐合格率", tgt)], dept=dept or f"示例{k}县教育局", county=f"示例{k}县",
                  fid=f"p{k}", province=province)


def test_peer_outlier_needs_five_peers_and_is_direction_aware():
    peers = [_peer(k, t) for k, t in enumerate(["≥95%", "≥96%", "≥95%", "≥98%", "≥97%"])]
    low = _peer(9, "≥80%")
    assert hits(peers + [low], "SOFT_PEER_OUTLIER") == [("p9", 1)]
    assert hits(peers[:4] + [low], "SOFT_PEER_OUTLIER") == []  # four peers are too few
    # peers of another province or year do not count
    assert hits(peers[:4] + [_peer(8, "≥95%", province="湖北省"), low], "SOFT_PEER_OUTLIER") == []
    ceil = [target(2023, [("质量指标", "食品安全事故发生率", t)], dept=f"示例{k}县教育局", county=f"示例{k}县", fid=f"c{k}")
            for k, t in enumerate(["≤1%", "≤1%", "≤0.5%", "≤1%", "≤1%", "≤5%"])]
    assert hits(ceil, "SOFT_PEER_OUTLIER") == [("c5", 1)]


# ------------------------------------------------------------------ one filing


def _self_eval(score, rows, **kw):
    return Filing(doc_kind="project_self_eval", total_weight=100, total_score=score, indicators=rows, filing_id="s",
                  **kw)


def test_full_score_with_reason_or_missed_row():
    met_row = row(1, "产出指标", "数量指标", "受益学生人数", "≥1000人", "1000人", 90, 90)
    with_reason = row(1, "产出指标", "数量指标", "受益学生人数", "≥1000人", "1000人", 90, 90,
                      reason="部分学校春季学期停课，供餐天数减少")
    missed = row(1, "产出指标", "数量指标", "受益学生人数", "≥1000人", "800人", 90, 90)
    rule = "SOFT_FULL_SCORE_DEVIATION"
    assert not [f for f in run_checks(_self_eval(100, [met_row], exec_weight=10, exec_score=10)) if f.rule == rule]
    assert [f for f in run_checks(_self_eval(100, [with_reason], exec_weight=10, exec_score=10)) if f.rule == rule]
    got = [f for f in run_checks(_self_eval(100, [missed], exec_weight=10, exec_score=10)) if f.rule == rule]
    assert got and "800人" in got[0].message
    placeholder = row(1, "产出指标", "数量指标", "受益学生人数", "≥1000人", "1000人", 90, 90, reason="无")
    assert not [f for f in run_checks(_self_eval(100, [placeholder], exec_weight=10, exec_score=10)) if f.rule == rule]
    assert not [f for f in run_checks(_self_eval(98, [missed], exec_weight=10, exec_score=8)) if f.rule == rule]


@pytest.mark.parametrize("executed,score,fires", [(70, 96, True), (85, 96, False), (70, 90, False), (79.9, 95, True)])
def test_exec_low_while_score_high(executed, score, fires):
    f = _self_eval(score, [row(1, "产出指标", "数量指标", "受益学生人数", "≥1000人", "1000人", 90, 86)],
                   budget_adjusted=100, budget_executed=executed, exec_weight=10)
    got = [x for x in run_checks(f) if x.rule == "SOFT_EXEC_LOW_SCORE_HIGH"]
    assert bool(got) == fires
    if fires:
        assert f"{executed / 100:.1%}" in got[0].message


# ------------------------------------------------------------------ tables in a real DuckDB file


def _load(db, filings):
    with store.writer(db) as con:
        for k, f in enumerate(filings):
            f.source_sha256 = f"sha{k}"
            store.write_file(con, store.LoadedFile(source_file=f.source_file, sha256=f"sha{k}", fmt="txt", layout="",
                                                   size=1, is_sample=False, filings=[f], findings=[], metrics=[],
                                                   reasons=[]))


def test_a_county_name_of_two_provinces_has_two_index_rows(tmp_path):
    db = tmp_path / "two.duckdb"
    _load(db, [target(2022, [("数量指标", "受益学生人数", "≥1000人")], fid="a22"),
               target(2023, [("数量指标", "受益学生人数", "≥900人")], fid="a23"),
               target(2023, [("数量指标", "受益学生人数", "≥900人")], fid="o23", province="江西省")])
    recheck(db)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT province, filings, soft_rows FROM soft_indices WHERE grain = 'county' "
                           "AND place = '示例县' ORDER BY province").fetchall()
    assert rows == [("江西省", 1, 0), ("湖南省", 2, 1)]  # 江西's 900 is nobody's lowered target


def test_recheck_fills_keys_links_findings_and_indices(tmp_path):
    db = tmp_path / "soft.duckdb"
    fs = [evals(2022, [("数量指标", "受益学生人数", "≥1000人", "1300人"), ("质量指标", "供餐合格率", "≥95%", "96%")],
                fid="e22", budget_adjusted=100, budget_executed=100, exec_weight=10, exec_score=10, total_weight=100,
                total_score=100),
          target(2023, [("数量指标", "受益学生人数", "≥900人"), ("质量指标", "供餐合格率", "≥95%")], fid="t23")]
    for f in fs:
        f.indicators[0].weight = f.indicators[1].weight = None if f.doc_kind.endswith("target") else 45
    _load(db, fs)
    recheck(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT filing_id, prev_filing_id, match FROM filing_links").fetchall() == [("t23", "e22", "name")]
        assert con.execute("SELECT count(*) FROM indicator_keys").fetchone()[0] == 4
        rules = {r for (r,) in con.execute("SELECT rule FROM findings WHERE filing_id = 't23' AND family = 'soft'").fetchall()}
        assert rules == {"SOFT_TARGET_LOWERED", "SOFT_TARGET_BELOW_LAST_ACTUAL"}
        dep = con.execute("SELECT soft_rows, judged_rows, soft_share, carried_rows, linked_rows, carried_share "
                          "FROM soft_indices WHERE grain = 'department'").fetchone()
        # 2 filings x 2 numeric rows; in 2023 both are soft (900 < 1000; ≥95% below the 96% done in 2022);
        # of the linked filing's 2 rows, 供餐合格率 ≥95% is carried over unchanged
        assert dep == (2, 4, 0.5, 1, 2, 0.5)
        assert con.execute("SELECT count(*) FROM soft_indices WHERE grain = 'county' AND place = '示例县'").fetchone()[0] == 1
    finally:
        con.close()
    # the light refresh after an ingest gives the same soft findings and leaves the others alone
    with store.writer(db) as con:
        before = con.execute("SELECT rule, filing_id, indicator_seq, message FROM findings ORDER BY ALL").fetchall()
    refresh_soft(db)
    with store.writer(db) as con:
        after = con.execute("SELECT rule, filing_id, indicator_seq, message FROM findings ORDER BY ALL").fetchall()
    assert after == before


def test_refresh_one_province_at_a_time_equals_all_at_once(tmp_path):
    """refresh_soft holds one province group in memory at a time; recheck compares every filing at once.
    Made-up series in three provinces (one spelt in traditional script in one year, one unknown), with
    peers in one province: the same findings, keys, links and indices either way."""
    db = tmp_path / "provinces.duckdb"
    fs = []
    for prov, county in (("广东省", "甲县"), ("广东省", "乙县"), ("江西省", "甲县"), (None, "丙县")):
        for year, lo in ((2021, 1000), (2022, 900), (2023, 950)):
            spelt = "廣東省" if prov == "广东省" and year == 2022 else prov
            fs.append(evals(year, [("数量指标", "受益学生人数", f"≥{lo}人", f"{lo + 50}人"),
                                   ("质量指标", "供餐合格率", "≥95%", "96%")],
                            province=spelt, county=county, dept=f"{county}教育局", fid=f"{prov}{county}{year}"))
    _load(db, fs)
    recheck(db)  # every filing at once
    tables = {"findings": "SELECT rule, filing_id, indicator_seq, message, evidence FROM findings WHERE family = 'soft'",
              "indicator_keys": "SELECT * FROM indicator_keys", "filing_links": "SELECT * FROM filing_links",
              "soft_indices": "SELECT * FROM soft_indices"}

    def snapshot():
        with duckdb.connect(str(db), read_only=True) as con:
            return {t: sorted(con.execute(sql).fetchall(), key=repr) for t, sql in tables.items()}
    before = snapshot()
    assert {r[0] for r in before["findings"]} >= {"SOFT_TARGET_LOWERED"} and before["filing_links"]
    refresh_soft(db)  # one province group at a time
    assert snapshot() == before


def test_series_index_prefers_last_years_self_evaluation():
    fs = [target(2022, [("数量指标", "受益学生人数", "≥1000人")], fid="t22"),
          evals(2022, [("数量指标", "受益学生人数", "≥1000人", "1200人")], fid="e22"),
          target(2023, [("数量指标", "受益学生人数", "≥1000人")], fid="t23")]
    idx = SeriesIndex(fs, S)
    prev = idx.last_year(idx.rows[2][0])
    assert fs[prev.fi].filing_id == "e22" and prev.actual == 1200


# ------------------------------------------------------------------ the planted series corpus


def test_rules_find_the_planted_series_and_nothing_else():
    """Generated filings (no files): every planted soft target is found, and nothing in the clean series."""
    from etl.sample.planted_series import expected, generate_series, recall_precision

    filings, truths = [], []
    for (county, dept, year), made in generate_series(counties=4, departments=5):
        for k, (f, t) in enumerate(made):
            f.filing_id = f"{county}{dept}{year}-{k}"
            filings.append(f)
            truths.append({"filing_id": f.filing_id, "defects": t["defects"],
                           "indicators": [{"seq": i.seq, "defects": c} for i, c in zip(f.indicators, t["rows"])]})
    found = soft_findings(filings, S)
    for f in filings:
        for x in run_checks(f, S):
            if x.family == "soft":
                x.filing_id = f.filing_id
                found.append(x)
    res = recall_precision(found, expected(truths))
    for rule, r in res.items():
        assert r["planted"] > 0, rule
        assert r["recall"] >= 0.95 and r["precision"] >= 0.95, (rule, r)


@pytest.mark.slow
def test_series_files_ingest_and_link_end_to_end(tmp_path):
    """Rendered series (every format) read back, linked across years and checked: the manifest's plants found."""
    from etl.pipeline import ingest_paths
    from etl.sample.planted_series import expected, recall_precision, write_series

    manifest = write_series(tmp_path / "files", counties=2, departments=3)
    db = tmp_path / "series.duckdb"
    summary = ingest_paths([tmp_path / "files"], db, workers=1)
    assert summary.failed == 0 and summary.loaded == len(manifest["files"])
    truths = [{**x, "filing_id": f"{fl['sha256'][:16]}-{k:02d}"} for fl in manifest["files"]
              for k, x in enumerate(fl["filings"])]
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = [Finding(rule=r, family="soft", severity="", message="", filing_id=fid, indicator_seq=seq)
                 for r, fid, seq in con.execute("SELECT rule, filing_id, indicator_seq FROM findings "
                                                "WHERE family = 'soft'").fetchall()]
        years = len(manifest["config"]["years"])
        n_links = con.execute("SELECT count(*) FROM filing_links").fetchone()[0]
    finally:
        con.close()
    # each project-year after the first links to last year's target table and self-evaluation
    assert n_links == 2 * 2 * (years - 1) * len(truths) // (2 * years)
    res = recall_precision(found, expected(truths))
    for rule, r in res.items():
        if r["planted"]:
            assert r["recall"] >= 0.95 and r["precision"] >= 0.95, (rule, r)


def test_peer_quantile_leaves_the_filing_itself_out():
    from etl.check.rules_soft import _quantile

    values = sorted([80.0, 95.0, 95.0, 96.0, 97.0, 98.0, 99.5])
    for k in range(len(values)):
        rest = values[:k] + values[k + 1:]
        for q in (0.25, 0.5, 0.75):
            assert _quantile(values, q, skip=k) == pytest.approx(_quantile(rest, q))
    assert _quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.25) == 2.0


def test_links_per_filing_are_bounded_and_self_evaluations_come_first():
    last = [target(2022, [("数量指标", "受益学生", "≥100人")], fid=f"t22-{k}") for k in range(8)]
    last.append(evals(2022, [("数量指标", "受益学生", "≥100人", "100人")], fid="zz-e22"))
    now = target(2023, [("数量指标", "受益学生", "≥100人")], fid="t23")
    fs = last + [now]
    members = assign_series(fs, S)
    prev = [fs[k.prev].filing_id for k in year_links(fs, members, max_prev=3) if fs[k.filing].filing_id == "t23"]
    assert prev == ["zz-e22", "t22-0", "t22-1"]


def test_a_later_ingest_links_the_new_year_to_what_was_loaded_before(tmp_path):
    """Last year's files loaded first, this year's in a second run: the second run links and checks them."""
    import shutil

    from etl.pipeline import ingest_paths
    from etl.sample.planted_series import write_series

    manifest = write_series(tmp_path / "all", counties=1, departments=5, years=(2022, 2023), formats=("txt",))
    for fl in manifest["files"]:
        year = fl["filings"][0]["year"]
        (tmp_path / str(year)).mkdir(exist_ok=True)
        shutil.copy(tmp_path / "all" / fl["file"], tmp_path / str(year) / fl["file"])
    db = tmp_path / "two_runs.duckdb"
    ingest_paths([tmp_path / "2022"], db, workers=1)
    with store.writer(db) as con:
        assert con.execute("SELECT count(*) FROM filing_links").fetchone()[0] == 0
    ingest_paths([tmp_path / "2023"], db, workers=1)
    n_2023 = sum(len(fl["filings"]) for fl in manifest["files"] if fl["filings"][0]["year"] == 2023)
    with store.writer(db) as con:
        linked = con.execute("SELECT count(DISTINCT filing_id) FROM filing_links WHERE year = 2023 AND prev_year = 2022").fetchone()[0]
        assert linked == n_2023
        planted = {(x["doc_kind"], x["project"], r["name"]) for fl in manifest["files"] for x in fl["filings"]
                   if x["year"] == 2023 for r in x["indicators"] if "soft_below_last_actual" in r["defects"]}
        found = set(con.execute("""SELECT f.doc_kind, f.project, i.name FROM findings x JOIN filings f USING (filing_id)
                                   JOIN indicators i ON i.filing_id = x.filing_id AND i.seq = x.indicator_seq
                                   WHERE x.rule = 'SOFT_TARGET_BELOW_LAST_ACTUAL'""").fetchall())
        assert planted and found == planted
