"""A 指标值 column split into its parts on the header's second line (issue 17).

Provincial templates print the target as three cells, a sign, a figure and a unit, under one parent
header ('预期指标值' over '符号 | 数值 | 单位'; Hebei's and Sichuan's self-evaluations). A copy that lost
its grid prints the parent line, then the parts' line, then the rows. The text here is invented; the
shape is the templates'.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes

HEAD = ["某县民政局2023年度项目支出绩效自评表", "项目名称：高龄老人津贴发放项目", "主管部门：某县民政局"]


def parse(lines: list[str]):
    return parse_document(read_bytes("\n".join(HEAD + lines).encode("utf-8"), "copy.txt"))


def rows(f):
    return [(i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_sign_figure_and_unit_under_the_target_header():
    (f,) = parse([
        "一级指标 二级指标 三级指标 指标解释 预期指标值 实际完成值 分值 得分 未完成原因分析",
        "符号 数值 单位",
        "产出指标 数量指标 补贴发放人数 当年享受津贴的人数 ≥ 1200 人 1250 20 20",
        "产出指标 时效指标 发放及时率 每月按时发放的比例 ≥ 95 % 90 10 8 个别月份资金拨付延迟",
        "满意度指标 服务对象满意度指标 服务对象满意度 享受津贴对象的满意程度 ≥ 90 % 95 20 20",
    ])
    assert rows(f) == [
        ("数量指标", "补贴发放人数", "≥1200人", "1250", 20, 20),
        ("时效指标", "发放及时率", "≥95%", "90", 10, 8),
        ("服务对象满意度指标", "服务对象满意度", "≥90%", "95", 20, 20),
    ]
    assert f.indicators[1].reason == "个别月份资金拨付延迟"


def test_parts_line_without_the_figure_still_splits_the_target():
    # '计算符号 | 计量单位' under '年度指标值': the figure's own cell is not named again
    (f,) = parse([
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "计算符号 计量单位",
        "产出指标 数量指标 培训人次 ≥ 300 人次 320 30 30",
        "产出指标 质量指标 培训合格率 ≥ 95 % 98 30 30",
        "效益指标 社会效益指标 就业人数 ≥ 100 人 86 40 34",
    ])
    assert rows(f) == [
        ("数量指标", "培训人次", "≥300人次", "320", 30, 30),
        ("质量指标", "培训合格率", "≥95%", "98", 30, 30),
        ("社会效益指标", "就业人数", "≥100人", "86", 40, 34),
    ]


def test_a_second_header_line_that_is_not_the_targets_parts_is_left_alone():
    # '年度 实际' over '指标值 完成值' is a header cell split over two lines, not a split target
    (f,) = parse([
        "一级指标 二级指标 三级指标 年度 实际 分值 得分",
        "指标值 完成值",
        "产出指标 数量指标 培训人次 300人次 320人次 50 50",
        "产出指标 质量指标 培训合格率 95% 98% 50 50",
    ])
    assert rows(f) == [
        ("数量指标", "培训人次", "300人次", "320人次", 50, 50),
        ("质量指标", "培训合格率", "95%", "98%", 50, 50),
    ]
