from etl.check import load_settings, run_checks
from etl.check.examples import proj02_yongde


def test_defaults_follow_rules_md():
    s = load_settings()
    assert s.weights == {"产出": 50, "效益": 30, "满意度": 10, "执行": 10}
    assert s.exec_threshold == 0.9
    assert s.grade_for(93) == "优" and s.grade_for(85) == "良" and s.grade_for(60) == "中" and s.grade_for(59.9) == "差"
    assert s.qualitative_bands["部分达成"] == (0.6, 0.8)
    assert s.schedule_share(6) == 0.5 and s.schedule_share(12) == 1.0
    assert abs(s.schedule_share(10) - 5 / 6) < 1e-9


def test_jurisdiction_overrides_apply_to_that_place_only(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('[jurisdictions."永德县".weights]\n"产出" = 40\n"满意度" = 20\n', encoding="utf-8")
    s = load_settings(str(cfg))
    f = proj02_yongde()  # 产出 40, 满意度 20: off the national convention, on the local one
    assert any(x.rule == "SCORE_LEVEL1_WEIGHTS" for x in run_checks(f))
    assert not any(x.rule == "SCORE_LEVEL1_WEIGHTS" for x in run_checks(f, s))
    f.county = "别的县"
    assert any(x.rule == "SCORE_LEVEL1_WEIGHTS" for x in run_checks(f, s))
