"""Flattened text layers of issue 17 (the scrambled and name_block damage classes) read in general, each
sub-class with made-up text in the shape the generated damage (etl/sample/damage.py) and the real copies
show (tests/data/real/damage_classes.toml)."""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


def rows(f):
    return [(i.level1, i.level2, i.name, i.target) for i in f.indicators]


# --- a target table with an explanation column, flattened onto one line with its wrapped cells ---------------
# A document-sharing site prints a target table's text layer as one line: a cell wrapped in its narrow column
# keeps its lines together, a space where each broke ('反映新建校舍 面积完成情况'). The table has an explanation
# column (绩效指标描述), whose text the cell tagger has no role for: the joined and the printed readings are both
# decoded, and the cheaper one is kept.
EXPLAINED_FLAT = (
    "某县教育局2024年校舍改造工程项目支出绩效目标表\n"
    "填报单位：某县教育局  单位：万元 项目名称 校舍改造工程 主管部门 某县教育局 实施单位 某县第二中学 "
    "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依据 "
    "产出指标  数量指标  新建校舍面积  反映新建校舍 面积完成情况  ≥1200平方 米  计划标准 "
    "改造教室数量  反映改造教室 数量完成情况  12间  计划标准 "
    "质量指标  工程验收合格 率  反映工程验收 合格率情况  100%  行业标准 "
    "时效指标  工程完工时间  反映工程完工 时间情况  2024年10月 底前  计划标准 "
    "效益指标  社会效益指标  受益学生人数  反映受益学生 人数情况  ≥900人  历史标准 "
    "满意度指标  服务对象满意度指标  师生满意度  反映师生对校 舍改造的满意 程度  ≥90%  历史标准\n"
)


def test_flattened_explanation_table_joins_its_wrapped_cells():
    (f,) = parse(EXPLAINED_FLAT)
    assert rows(f) == [
        ("产出指标", "数量指标", "新建校舍面积", "≥1200平方米"),
        ("产出指标", "数量指标", "改造教室数量", "12间"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ("产出指标", "时效指标", "工程完工时间", "2024年10月底前"),
        ("效益指标", "社会效益指标", "受益学生人数", "≥900人"),
        ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%"),
    ]


# The same kind of table printing a name again as its explanation, then a worded target ('合理使用经费 合理使用经费
# 经费使用情况'): the restated name is a whole cell, not the first line of a wrapped one, and the target stays.
RESTATED_FLAT = (
    "某县商会2024年会员服务经费项目支出绩效目标表\n"
    "项目名称 会员服务经费 主管部门 某县工商业联合会 "
    "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据 "
    "产出指标 数量指标 举办会员培训次数 举办会员培训次数 ≥4次 历史经验标准 "
    "质量指标 培训考核合格率 培训考核合格率 ≥95% 历史经验标准 "
    "成本指标 合理使用经费 合理使用经费 经费使用情况 历史经验标准 "
    "效益指标 社会效益指标 会员企业认可度 得到会员企业的普遍认可 得到会员企业的普遍认可 历史经验标准 "
    "满意度指标 服务对象满意度指标 会员满意度 反映会员满意的评价占总评价的比率 ≥95% 历史经验标准\n"
)


def test_a_name_restated_as_its_explanation_is_no_wrapped_line():
    (f,) = parse(RESTATED_FLAT)
    got = {i.name: i.target for i in f.indicators}
    assert got["合理使用经费"] == "经费使用情况"
    assert got["举办会员培训次数"] == "≥4次"


# --- a wrapped line of a flattened table that looks like a title on its own -----------------------------------
# On a table flattened onto one line, an indicator name or explanation wrapped in its narrow column leaves a
# line that alone reads as a title ('组织专项绩效评价' of '组织专项绩效评价 次数', '反映评价报告' of '反映评价报告
# 质量情况'). With words run on at both sides on such a line, it is a title only by a pattern that finds one
# inside text: it neither opens a filing of its own nor ends the table.
TITLE_LIKE_WRAPS = (
    "某县财政局2024年绩效管理工作经费项目支出绩效目标表\n"
    "项目名称 绩效管理工作经费 主管部门 某县财政局 实施单位 某县财政局预算股 "
    "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据 "
    "产出指标 数量指标 组织专项绩效评价 次数 反映组织专项 评价次数情况 ≥6次 计划标准 "
    "质量指标 评价报告质量 达标率 反映评价报告 质量情况 ≥95% 行业标准 "
    "时效指标 评价完成及时率 反映评价完成 及时情况 100% 计划标准 "
    "满意度指标 服务对象满意度指标 预算单位满意度 反映预算单位 满意程度 ≥90% 历史标准\n"
)


def test_a_wrapped_line_that_looks_like_a_title_stays_in_its_flattened_table():
    filings = parse(TITLE_LIKE_WRAPS)
    assert len(filings) == 1
    got = [(i.name, i.target) for i in filings[0].indicators]
    assert got == [
        ("组织专项绩效评价次数", "≥6次"),
        ("评价报告质量达标率", "≥95%"),
        ("评价完成及时率", "100%"),
        ("预算单位满意度", "≥90%"),
    ]


# The same where a text layer prints a row's name after its values: the title-like line follows a figure
# ('6 6 组织专项绩效评价 次数'), and is still the line of a wrapped name, its rest after it.
NAME_LAST_TITLE_LIKE = (
    "某县财政局2024年度绩效管理工作经费项目支出绩效自评表\n"
    "项目名称 绩效管理工作经费 主管部门 某县财政局 "
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 "
    "产出指标 数量指标 ≥6次 7次 20 20 组织专项绩效评价 次数 "
    "≥12个 12个 20 20 审核绩效目标数量 质量指标 ≥95% 96% 20 20 评价报告质量 达标率 "
    "效益指标 社会效益指标 明显提升 明显提升 20 18 资金使用效益 "
    "满意度指标 服务对象满意度指标 ≥90% 93% 20 20 预算单位满意度 总分 100 98\n"
)


def test_a_title_like_wrapped_name_after_its_values_stays_in_the_table():
    filings = parse(NAME_LAST_TITLE_LIKE)
    assert len(filings) == 1
    got = [(i.name, i.target, i.actual, i.weight, i.score) for i in filings[0].indicators]
    assert ("组织专项绩效评价次数", "≥6次", "7次", 20, 20) in got
    assert len(got) == 5


# A numbered name's wrapped line ('指标2:评价报告' of '指标2:评价报告 合格率') reads as a report's title by a pattern
# that finds one inside text; an indicator's numbering opens a name, never a title.
NUMBERED_TITLE_LIKE = (
    "某县财政局2024年绩效管理工作经费项目支出绩效目标表\n"
    "项目名称 绩效管理工作经费 主管部门 某县财政局 "
    "一级指标 二级指标 三级指标 指标值 指标值确定依据 "
    "产出指标 数量指标 指标1:组织专项 评价次数 ≥6次 计划标准 "
    "质量指标 指标1:绩效目标 审核覆盖率 100% 计划标准 指标2:评价报告 合格率 ≥95% 行业标准 "
    "时效指标 指标1:评价完成 及时率 100% 计划标准 "
    "满意度指标 服务对象满意度指标 指标1:预算单位 满意度 ≥90% 历史标准\n"
)


def test_a_numbered_name_is_never_a_title():
    filings = parse(NUMBERED_TITLE_LIKE)
    assert len(filings) == 1
    got = {i.name: i.target for i in filings[0].indicators}
    assert got.get("评价报告合格率") == "≥95%"
    assert len(got) == 5


# The same as the table's first piece, where a text layer held the level labels back to a block after the rows
# ('三级指标 … 组织专项绩效评价 次数 …'): no piece before it, its rest after it.
LEVELS_LAST_TITLE_LIKE = (
    "某县财政局2024年绩效管理工作经费项目支出绩效目标表\n"
    "项目名称 绩效管理工作经费 主管部门 某县财政局 "
    "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据 "
    "组织专项绩效评价 次数 反映组织专项 评价次数情况 ≥6次 计划标准 "
    "评价报告质量 达标率 反映评价报告 质量情况 ≥95% 行业标准 "
    "评价完成及时率 反映评价完成 及时情况 100% 计划标准 "
    "预算单位满意度 反映预算单位 满意程度 ≥90% 历史标准 产出指标 数量指标 质量指标 时效指标\n"
)


def test_a_title_like_wrapped_line_opening_the_table_body_stays_in_it():
    filings = parse(LEVELS_LAST_TITLE_LIKE)
    assert len(filings) == 1
    got = [(i.name, i.target) for i in filings[0].indicators]
    assert got[0] == ("组织专项绩效评价次数", "≥6次")
    assert len(got) == 4
