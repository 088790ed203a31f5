from etl.check import classify_reason


def test_placeholders_and_empty():
    for t in ("无", "暂无", "/", "—", "空", " 无。", "——"):
        assert classify_reason(t) == "R0", t
    assert classify_reason(None) is None and classify_reason("  ") is None


def test_categories_from_real_wording():
    cases = {
        "动态管理人员减少": "R7",                      # dev proj_08
        "受疫情影响，部分活动未能开展": "R8",
        "项目已完工，尚未办理竣工结算，质保金未支付": "R4",
        "通过政府采购公开招标，中标价低于预算，节约资金": "R5",
        "资金下达较晚，年底才到位": "R2",
        "工程因雨季施工工期延误": "R3",
        "预算编制时测算不准确": "R6",
        "测算依据不充分导致指标值设定偏高，下一步科学设置绩效目标。": "R6",
        "上级政策调整，项目计划变更": "R1",
        "专业技术人员不足，保障能力薄弱": "R9",
    }
    for text, want in cases.items():
        assert classify_reason(text) == want, text


def test_unrecognised_reason_is_none():
    assert classify_reason("详见自评报告") is None
