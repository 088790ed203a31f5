"""A target table that prints how each row is scored (issue 17).

Many provinces' 绩效目标表 add 指标值设定依据 (where the figure comes from: 计划标准, 历史标准) and
评(扣)分标准 (the scoring rule: '每少100人扣1分', '发生一起扣5分') after the target. Both are columns of
their own, and a rule's words and figures are one cell, not a name with its value run on. The text
here is invented; the shape is the templates'.
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes

HEAD = ["某县教育局2024年度项目支出绩效目标表", "项目名称：学生营养改善计划", "主管部门：某县教育局"]


def parse(lines: list[str]):
    return parse_document(read_bytes("\n".join(HEAD + lines).encode("utf-8"), "copy.txt"))


def rows(f):
    return [(i.level2, i.name, i.target, i.basis) for i in f.indicators]


WANT = [
    ("数量指标", "受益学生人数", "≥5000人", "计划标准"),
    ("质量指标", "食品安全事故发生率", "0", "历史标准"),
    ("社会效益指标", "学生营养状况改善", "逐步改善", "行业标准"),
    ("服务对象满意度指标", "家长满意度", "≥90%", "行业标准"),
]


def test_basis_and_scoring_rule_columns_in_a_copy_without_its_grid():
    (f,) = parse([
        "一级指标 二级指标 三级指标 指标值 指标值设定依据 评(扣)分标准",
        "产出指标 数量指标 受益学生人数 ≥5000人 计划标准 每少100人扣1分",
        "产出指标 质量指标 食品安全事故发生率 0 历史标准 发生一起扣5分",
        "效益指标 社会效益指标 学生营养状况改善 逐步改善 行业标准 酌情扣分",
        "满意度指标 服务对象满意度指标 家长满意度 ≥90% 行业标准 每低1个百分点扣1分",
    ])
    assert rows(f) == WANT


def test_basis_and_scoring_rule_columns_in_a_table():
    (f,) = parse([
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标值设定依据 | 评（扣）分标准 |",
        "| 产出指标 | 数量指标 | 受益学生人数 | ≥5000人 | 计划标准 | 每少100人扣1分 |",
        "| 产出指标 | 质量指标 | 食品安全事故发生率 | 0 | 历史标准 | 发生一起扣5分 |",
        "| 效益指标 | 社会效益指标 | 学生营养状况改善 | 逐步改善 | 行业标准 | 酌情扣分 |",
        "| 满意度指标 | 服务对象满意度指标 | 家长满意度 | ≥90% | 行业标准 | 每低1个百分点扣1分 |",
    ])
    assert rows(f) == WANT

