from etl.check import copy_clusters, copy_findings, load_settings
from etl.check.examples import seed000_p1, seed000_p2, seed000_p3, seed003_selfeval, seed003_target


def test_target_and_self_eval_of_same_department_and_year_do_not_cluster():
    assert copy_clusters([seed003_target(), seed003_selfeval()]) == []
    assert copy_findings([seed003_target(), seed003_selfeval()]) == []


def test_same_filing_id_never_clusters_with_itself():
    assert copy_clusters([seed003_target(), seed003_target()]) == []


def test_another_department_with_the_same_indicators_clusters():
    a, b = seed003_target(), seed003_target()
    b.department, b.filing_id = "株洲市渌口区某协会", "other"
    clusters = copy_clusters([a, b, seed000_p1()])
    assert len(clusters) == 1
    assert sorted(fid for fid, _ in clusters[0]) == ["other", "seed003-target"]
    assert all(sim == 1.0 for _, sim in clusters[0])
    found = copy_findings([a, b])
    assert {f.filing_id for f in found} == {"other", "seed003-target"}
    assert all(f.family == "copying" and f.indicator_seq is None for f in found)
    assert "株洲市渌口区工商业联合会" in next(f.message for f in found if f.filing_id == "other")


def test_another_year_of_one_project_clusters_and_threshold_is_a_setting(tmp_path):
    a, b = seed000_p2(), seed000_p2()
    b.year, b.filing_id = 2024, "p2-2024"
    b.indicators[0].target = "≥2 个"  # 5 of 7 distinct pairs shared: Jaccard 0.71
    assert copy_clusters([a, b]) == []
    cfg = tmp_path / "s.toml"
    cfg.write_text("[copying]\njaccard = 0.7\n", encoding="utf-8")
    assert len(copy_clusters([a, b], load_settings(str(cfg)))) == 1


def test_different_projects_of_seed000_are_not_copies():
    assert copy_clusters([seed000_p1(), seed000_p2(), seed000_p3()]) == []


def _department_copy(base, k):
    f = base()
    f.department, f.filing_id = f"某县第{k}局", f"copy-{k}"
    return f


def test_boilerplate_set_copied_to_many_departments_is_one_cluster():
    # every filing here has the same set: the chaining of identical sets links them all into one cluster
    copies = [_department_copy(seed003_target, k) for k in range(60)]
    clusters = copy_clusters(copies)
    assert len(clusters) == 1 and len(clusters[0]) == 60


def test_near_copy_among_many_boilerplate_filings_is_found():
    crowd = [_department_copy(seed003_target, k) for k in range(60)]
    near = _department_copy(seed003_target, 99)
    near.indicators = near.indicators[:-1]  # one row dropped: 21 of 22 shared, still a copy
    clusters = copy_clusters(crowd + [near])
    members = {fid for c in clusters for fid, _ in c}
    assert "copy-99" in members


def test_one_pass_gives_the_same_clusters_and_findings():
    from etl.check import copy_analysis

    crowd = [_department_copy(seed003_target, k) for k in range(5)] + [seed000_p1()]
    clusters, findings = copy_analysis(crowd)
    assert clusters == copy_clusters(crowd)
    assert [(f.filing_id, f.message) for f in findings] == [(f.filing_id, f.message) for f in copy_findings(crowd)]
