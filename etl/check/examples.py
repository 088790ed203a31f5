"""Example filings for the rules, built from real filings (the seeds and the dev samples).

Each rule in the registry names one of these builders; docs/rules.md shows the
finding the rule gives on it and the tests assert it fires. Where a real filing
does not show the problem, the builder says which figure was changed.
"""
from __future__ import annotations

from etl.normalise.measure import parse_measure
from etl.records import Filing, Indicator, Section, SpendPoint

from .registry import REGISTRY

# 绩效目标表 seeds: data/seeds/000_ce456aaed79faa76.txt (正定县工商业联合会, 2023)
_DEPT_000 = "正定县工商业联合会"
# 自评表 seed: data/seeds/003_483a086a129c8058.txt (株洲市渌口区工商业联合会, 2022)
_DEPT_003 = "株洲市渌口区工商业联合会"


def row(seq, level1, level2, name, target, actual=None, weight=None, score=None, reason=None, basis=None):
    return Indicator(seq=seq, level1=level1, level2=level2, name=name, target=target, actual=actual,
                     weight=weight, score=score, reason=reason, basis=basis,
                     target_m=parse_measure(target), actual_m=parse_measure(actual))


def rows(spec, **common):
    return [row(k, *r, **common) if isinstance(r, tuple) else r for k, r in enumerate(spec, start=1)]


def _plan(*pairs):
    return [SpendPoint(period=p, month=int(p.rstrip("月底")), value=v) for p, v in pairs]


def seed000_p1() -> Filing:
    """Seed 000, table 1: 非公经济人士理想信念教育、培训座谈会经费 (0.67 万元)."""
    spec = [
        ("产出指标", "数量指标", "举办座谈会次数", "1次"),
        ("产出指标", "质量指标", "新会员培训合格率", "≥95%"),
        ("产出指标", "时效指标", "服务完成度", "≥95%"),
        ("产出指标", "成本指标", "合理使用经费", "≥95%"),
        ("效益指标", "社会效益指标", "社会影响力", "得到广大民营企业家的充分认可"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥95%"),
    ]
    inds = [row(k, *r, basis="历史经验标准") for k, r in enumerate(spec, start=1)]
    inds[5].basis = "历史惊讶标准"
    return Filing(doc_kind="project_target", department=_DEPT_000, unit="正定县工商业联合会本级",
                  project="非公经济人士理想信念教育、培训座谈会经费", year=2023, county="正定县",
                  budget_initial=0.67, budget_fiscal=0.67, indicators=inds, filing_id="seed000-p1",
                  spending_plan=_plan(("3月底", 0.16), ("6月底", 0.33), ("10月底", 0.50)),
                  sections=[Section(kind="goal", heading="绩效目标", text="1.目标内容 1")])


def seed000_p2() -> Filing:
    """Seed 000, table 2: 工商联机关综合保障经费 (1.33 万元), plan 0.33 / 0.66 / 0.99 / 0.34."""
    spec = [
        ("产出指标", "数量指标", "购买办公用品数量", "≥1 个"),
        ("产出指标", "质量指标", "综合事务工作完成情况", "≥95%"),
        ("产出指标", "时效指标", "各项工作完成及时率", "≥95%"),
        ("产出指标", "成本指标", "合理使用经费", "经费使用情况"),
        ("效益指标", "社会效益指标", "社会影响力", "得到广大干部群众的充分认可"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥95%"),
    ]
    return Filing(doc_kind="project_target", department=_DEPT_000, unit="正定县工商业联合会本级",
                  project="工商联机关综合保障经费", year=2023, county="正定县", budget_initial=1.33,
                  budget_fiscal=1.33, indicators=rows(spec, basis="历史经验标准"), filing_id="seed000-p2",
                  spending_plan=_plan(("3月底", 0.33), ("6月底", 0.66), ("10月底", 0.99), ("12月底", 0.34)),
                  sections=[Section(kind="goal", heading="绩效目标", text="1.目标内容 1")])


def seed000_p3() -> Filing:
    """Seed 000, table 3: 开展友好商会交流学习和会员考察活动经费 (2.20 万元)."""
    spec = [
        ("产出指标", "数量指标", "银企对接会的次数", "≥3次"),
        ("产出指标", "质量指标", "提交调研报告数量", "≥2次"),
        ("产出指标", "时效指标", "按期完成率", "定期及时开展活动数量"),
        ("产出指标", "成本指标", "合理使用经费", "合理使用经费"),
        ("效益指标", "社会效益指标", "社会影响力", "得到广大会员企业充分认可"),
        ("满意度指标", "服务对象满意度指标", "满意率", "≥95%"),
    ]
    return Filing(doc_kind="project_target", department=_DEPT_000, unit="正定县工商业联合会本级",
                  project="开展友好商会交流学习和会员考察活动经费", year=2023, county="正定县",
                  budget_initial=2.2, budget_fiscal=2.2, indicators=rows(spec, basis="历史经验标准"),
                  filing_id="seed000-p3",
                  spending_plan=_plan(("3月底", 0.55), ("6月底", 1.10), ("10月底", 1.65), ("12月底", 2.20)))


_003_OUTPUT = [
    ("产出指标", "数量指标", "人员保障", "7人"),
    ("产出指标", "数量指标", "办公经费", "7人"),
    ("产出指标", "数量指标", "对退休人员的补助", "5人"),
    ("产出指标", "数量指标", "联系非公人士及招商引资", "58人"),
    ("产出指标", "质量指标", "上级安排的工作任务完成率", "100%"),
    ("产出指标", "质量指标", "做好非公企业的各项服务", "6批次"),
    ("产出指标", "质量指标", "做好非公经济人士参政议政、建言献策", "2篇"),
    ("产出指标", "质量指标", "助力乡村振兴开展“万企帮万村”行动", "28家企业帮扶28个村"),
]
_003_COST = [
    ("产出指标", "成本指标", "人员保障", "107.57万元"),
    ("产出指标", "成本指标", "办公经费", "39.23万元"),
    ("产出指标", "成本指标", "对退休人员的补助", "2.29万元"),
    ("产出指标", "成本指标", "联系非公人士及招商引资", "5.92万元"),
    ("产出指标", "成本指标", "乡村振兴工作", "5.47万元"),
]
_003_BENEFIT = [
    ("效益指标", "经济效益指标", "服务好全区民营经济人士和民营企业", "≧95%"),
    ("效益指标", "经济效益指标", "促进我区民营经济健康发展", "≧95%"),
    ("效益指标", "社会效益指标", "营造我区良好的营商环境", "≧95%"),
    ("效益指标", "社会效益指标", "促进我区民营经济人士和民营企业更好发展", "≧95%"),
    ("效益指标", "可持续影响指标", "引导民营经济人士自觉把自身企业的发展与国家的发展结合起来", "≧92%"),
    ("效益指标", "可持续影响指标", "引导非公有制经济人士承担社会责任", "≧95%"),
]


def seed003_target() -> Filing:
    """Seed 003, table 1: 2022年部门整体支出绩效目标表 (资金总额 160.48)."""
    time_row = ("产出指标", "时效指标", "年内完成各项工作", "100%")
    sat = [("效益指标", "社会公众或服务对象满意度", "各基层商会对工商联工作的认可度", "98%"),
           ("效益指标", "社会公众或服务对象满意度", "工商联执常委对工商联工作认可度", "98%")]
    spec = _003_OUTPUT + _003_COST + [time_row] + _003_BENEFIT + sat
    return Filing(doc_kind="dept_target", department=_DEPT_003, year=2022, county="渌口区",
                  budget_initial=160.48, indicators=rows(spec), filing_id="seed003-target")


def seed003_selfeval() -> Filing:
    """Seed 003, table 2: 部门整体支出绩效自评表（2022年度）, 自评 93 分, every deduction without a reason."""
    out = [(*r[:3], "2编" if r[3] == "2篇" else r[3], "2编" if r[3] == "2篇" else r[3]) for r in _003_OUTPUT]
    weights = [2.5, 2.5, 2.5, 2.5, 3, 3, 5, 3]
    spec = [(*r, w, w) for r, w in zip(out, weights)]
    spec.append(("产出指标", "时效指标", "年内完成各项工作", "100%", "\u3000100%", 2, 2))
    spec += [(*r, r[3], w, w) for r, w in zip(_003_COST, [4, 5, 5, 5, 5])]
    actuals = ["≧92%", "≧92%", "≧90%", "≧92%", "≧92%", "≧95%"]
    scores = [4, 4, 3, 4, 4, 4]
    spec += [(*r, a, 5, s) for r, a, s in zip(_003_BENEFIT, actuals, scores)]
    spec += [("满意度指标", "服务对象满意度指标", "各基层商会对工商联工作的认可度", "98%", "98%", 5, 5),
             ("满意度指标", "服务对象满意度指标", "工商联执常委对工商联工作认可度", "98%", "98%", 5, 5)]
    return Filing(doc_kind="dept_self_eval", department=_DEPT_003, year=2022, county="渌口区",
                  budget_initial=116.41, budget_adjusted=160.48, budget_executed=160.48, exec_rate_reported=1.0,
                  exec_weight=10, exec_score=10, total_weight=100, total_score=93,
                  indicators=rows(spec), filing_id="seed003-selfeval")


def proj01_chizhou() -> Filing:
    """Dev sample proj_01: 池州市贵池区 基建工程委托业务 self-evaluation (cut off before 满意度)."""
    spec = [
        ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", 8, 8),
        ("产出指标", "质量指标", "委托业务报告合格率", "≥100百分比", "100", 8, 8),
        ("产出指标", "质量指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, 8),
        ("产出指标", "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8, 8),
        ("产出指标", "成本指标", "项目总成本", "≤90万元", "90", 8, 8),
        ("产出指标", "成本指标", "单项业务成本", "符合相关规定", "达成预期指标", 10, 10),
        ("效益指标", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10, 10),
        ("效益指标", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10, 10),
        ("效益指标", "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", 10, 10),
    ]
    return Filing(doc_kind="project_self_eval", project="基建工程委托业务", city="池州市", budget_initial=90,
                  budget_adjusted=89.974, budget_executed=89.974, exec_rate_reported=0.0, exec_weight=10,
                  exec_score=0, indicators=rows(spec), parse_status="partial",
                  parse_notes=["表格在满意度指标行中断"], filing_id="dev-proj01")


def proj02_yongde() -> Filing:
    """Dev sample proj_02: 云南永德县 营养改善计划 self-evaluation, 100 / 96."""
    spec = [
        ("产出指标", "数量指标", "学生受资助人数", "≧735人次", "735", 10, 10),
        ("产出指标", "质量指标", "营养改善计划覆盖率", "≧100%", "100%", 10, 10),
        ("产出指标", "时效指标", "资金到位及时率", "≧100%", "100%", 10, 7),
        ("产出指标", "成本指标", "生均补助标准达标率", "═100%", "100%", 10, 10),
        ("效益指标", "经济效益指标", "减轻贫困学生家庭经济负担", "有效", "有效", 10, 10),
        ("效益指标", "社会效益指标", "政策知晓率", "═100%", "98%", 10, 9),
        ("效益指标", "可持续影响指标", "促进学校教育事业健康发展", "≧100%", "100%", 10, 10),
        ("满意度指标", "服务对象满意度指标等", "学生满意度", "≧95%", "100%", 10, 10),
        ("满意度指标", "服务对象满意度指标等", "家长满意度", "≧95%", "100%", 10, 10),
    ]
    return Filing(doc_kind="project_self_eval", province="云南省", county="永德县", budget_adjusted=38.766462,
                  budget_executed=38.766462, exec_rate_reported=1.0, exec_weight=10, exec_score=10,
                  total_weight=100, total_score=96, indicators=rows(spec), filing_id="dev-proj02")


def proj05_changning() -> Filing:
    """Dev sample proj_05: 云南昌宁县 生猪养殖 self-evaluation, 执行率 20 % (cut off in 产出指标)."""
    names = [("公猪舍(≥**平方米)", "22.8", 1), ("母猪、保育猪舍(≥**平方米)", "180", 3), ("育肥猪舍(≥**平方米)", "180", 3),
             ("周转猪舍(≥**平方米)", "180", 3), ("隔离舍(≥**平方米)", "54", 2), ("仓库(≥**平方米)", "104", 2),
             ("管理用房及消通道(≥**平方米)", "76.44", 2), ("化粪池(≥**立方米)", "63", 1), ("堆粪房(≥**平方米)", "29.6", 1),
             ("消毒池(≥**平方米)", "14", 1), ("排污沟(≥米)", "50", 1), ("场地硬化(≥**平方米)", "230", 2),
             ("粉碎拌合机(11kw)(≥台)", "1", 1), ("产床(全复合双体产床)(≥套)", "2", 1), ("保育栏(≥套)", "4", 1),
             ("消毒机(≥台)", "1", 1), ("冲洗机(≥台)", "1", 1), ("种公猪(≥头)", "2", 2)]
    spec = [("产出指标", "数量指标", n, v, v, None, s) for n, v, s in names]
    return Filing(doc_kind="project_self_eval", province="云南省", county="昌宁县", budget_adjusted=50,
                  budget_executed=10, exec_rate_reported=0.2, exec_weight=20, exec_score=4, indicators=rows(spec),
                  parse_status="partial", parse_notes=["表格在产出指标中途中断"], filing_id="dev-proj05")


def proj08_daying() -> Filing:
    """Dev sample proj_08: 四川大英县 福彩孤儿助学金 self-evaluation (no 分值 column)."""
    spec = [
        ("产出指标", "数量指标", "孤儿助学人数", "应助尽助", "9"),
        ("产出指标", "质量指标", "保障贫困孤儿完成学业", "100%", "100%"),
        ("产出指标", "时效指标", "按季发放助学金", "发放时间达标率", "100%"),
        ("产出指标", "成本指标", "助学金社会化发放率", "≥95%", "100%"),
        ("产出指标", "成本指标", "资金执行率", "100%", "82%", None, None, "动态管理人员减少"),
        ("效益指标", "社会效益指标", "孤儿身份、年满18周岁后就学水平情况", "有所提升", "100%"),
        ("效益指标", "可持续影响指标", "助学制度", "进一步完善", "100%"),
        ("满意度指标", "服务对象满意度指标", "政策知晓率", "≥90%", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "救助对象对社会救助实施的满意度", "≥90%", "≥90%"),
    ]
    return Filing(doc_kind="project_self_eval", province="四川省", county="大英县", department="大英县民政局",
                  year=2022, indicators=rows(spec), filing_id="dev-proj08")


def dept08_kxc() -> Filing:
    """Dev sample dept_08: 西部(重庆)科学城 融媒体中心 部门整体自评 (OCR; no 一级/二级 columns)."""
    spec = [
        (None, None, "财政供养人员控制率", "100%", "92%", 2, 2),
        (None, None, "基础信息完善", "100%", "100%", 1, 1),
        (None, None, "预算完成率", "70%", "76%", 2, 2),
        (None, None, "预算调整率", "3%", "0", 2, 2),
        (None, None, "结转结余率", "2%", "0", 2, 2),
        (None, None, "公用经费控制率", "100%", "97%", 2, 2),
        (None, None, "政府采购执行率", "100%", "72.74%", 2, 2),
        (None, None, "管理制度健全性", "高", "高", 3, 3),
        (None, None, "资金使用合规性", "好", "好", 5, 5),
        (None, None, "固定资产利用率", "90%", "100%", 2, 2),
        (None, None, "组织宣传活动次数", "到0次", "43次", 10, 10),
        (None, None, "制作宣传品数量", "第O份", "20份", 5, 5),
        (None, None, "播发稿件数量", "2200篇", "2859篇", 10, 10),
    ]
    return Filing(doc_kind="dept_self_eval", exec_rate_reported=0.76, exec_weight=10, exec_score=7.6,
                  total_score=97.6, indicators=rows(spec), parse_status="partial",
                  parse_notes=["OCR 文本，表格在“公共服务”行中断"], filing_id="dev-dept08")


def dept03_ningde() -> Filing:
    """Dev sample dept_03: 宁德市地方志 部门整体支出绩效目标表 (2019)."""
    spec = [
        ("产出指标", "数量指标", "志鉴地情相关工作开展所需资金的供应时效", "100%"),
        ("产出指标", "数量指标", "确保日常工作正常运行", "100%"),
        ("产出指标", "数量指标", "按年度发放绩效奖、文明奖、综治平安奖、应休未休补贴", "≥60%"),
        ("产出指标", "质量指标", "调研、督促、指导志、鉴、地情编纂的县(市、区)的覆盖率", "1"),
        ("产出指标", "质量指标", "各类书籍审稿率", "1"),
        ("产出指标", "时效指标", "项目完成时间", "100%"),
    ]
    return Filing(doc_kind="dept_target", city="宁德市", year=2019, budget_initial=171.41,
                  indicators=rows(spec), filing_id="dev-dept03")


def proj10_xiangtan() -> Filing:
    """Dev sample proj_10: 湘潭 雾炮车降尘服务 项目支出绩效目标申报表 (2023)."""
    spec = [
        ("产出指标", "数量指标", "雾炮车降尘抑尘服务配备车辆数", "10辆"),
        ("产出指标", "数量指标", "雾炮车风炮射程", "≥80M"),
        ("产出指标", "质量指标", "服务周期内空气质量", "优良"),
        ("产出指标", "时效指标", "服务周期", "2023.07-2024.01"),
        ("产出指标", "成本指标", "控制在预算成本内", "250万"),
        ("效益指标", "社会效益指标", "服务周期内,市民对空气质量改善的满意程度", "≥85%"),
        ("效益指标", "社会公众或服务对象满意度指标", "市民满意度", "≥90%"),
    ]
    return Filing(doc_kind="project_target", city="湘潭市", year=2023, budget_initial=250,
                  indicators=rows(spec), filing_id="dev-proj10")


def proj13_zhaohua() -> Filing:
    """Dev sample proj_13: 广元市昭化区 麻风病防治 项目支出绩效目标申报表 (2021)."""
    spec = [
        ("项目完成指标", "数量指标", "每年春节慰问麻风村休养员、村外康复者和现症病人", "32人"),
        ("项目完成指标", "数量指标", "宣传教育", "覆盖全区所有人员"),
        ("项目完成指标", "质量指标", "广大群众对病风病防治知识知晓率显著提升", "100%"),
        ("项目完成指标", "时效指标", "项目实施时间", "2021年1月-12月"),
        ("项目完成指标", "时效指标", "资金拨付到位情况", "12月底前100%到位"),
        ("项目效益指标", "社会效益指标", "政府对麻风村休养员、村外康复者和现症病人的关爱", "明显增加"),
        ("项目效益指标", "可持续影响指标", "项目实施情况", "良好"),
        ("满意度指标", "满意度指标", "群众幸福感", "明显提升"),
    ]
    return Filing(doc_kind="project_target", city="广元市", county="昭化区", year=2021, budget_initial=4.0,
                  indicators=rows(spec), filing_id="dev-proj13")


def proj17_jiayuguan() -> Filing:
    """Dev sample proj_17: 嘉峪关 博物馆纪念馆免费开放补助 项目支出绩效目标表 (2023, 2021+ template)."""
    spec = [
        ("产出指标", "数量指标", "免费开放天数", "=300天"),
        ("产出指标", "质量指标", "博物馆绩效考核指标完成率", "=100百分比"),
        ("产出指标", "时效指标", "各项工作完成及时率%", "=99百分比"),
        ("成本指标", "经济成本指标", "资金使用效率", "二100百分比"),
        ("成本指标", "社会成本指标", "对当地文物保护、文化传承影响", "长远"),
        ("成本指标", "生态环境成本指标", "提升博物馆绿化水平", "提升"),
        ("效益指标", "经济效益指标", "为当地提供就业LJUI,冈位", "增加岗位"),
        ("效益指标", "社会效益指标", "免费开放接待观众人数", "=30000人次"),
        ("效益指标", "生态效益指标", "历史文化传承环保意识时限", "长远"),
        ("满意度指标", "服务对象满意度", "服务对象满意度%", "=99百分比"),
    ]
    return Filing(doc_kind="project_target", province="甘肃省", city="嘉峪关市", year=2023, budget_initial=20,
                  indicators=rows(spec), filing_id="dev-proj17")


# --- builders for rules no real sample shows; each says what was changed ---------------------

def ex_above_recomputed() -> Filing:
    """dept_08's 党性教育培训次数 (26次 target, 12次 done) given 4 of 5 points instead of 5."""
    f = Filing(doc_kind="dept_self_eval", indicators=[row(1, None, None, "党性教育培训次数", "26次", "12次", 5, 4)],
               filing_id="ex-above")
    return f


def ex_over_weight() -> Filing:
    """seed 003's 人员保障 row (分值 2.5) with a score of 3 typed in."""
    return Filing(doc_kind="dept_self_eval", department=_DEPT_003, year=2022,
                  indicators=[row(1, "产出指标", "数量指标", "人员保障", "7人", "7人", 2.5, 3)], filing_id="ex-over-weight")


def ex_over_achieved() -> Filing:
    """dept_08's 播发稿件数量 (2859篇 published) against a target lowered to 1500篇."""
    return Filing(doc_kind="dept_self_eval",
                  indicators=[row(1, "产出指标", "数量指标", "播发稿件数量", "1500篇", "2859篇", 10, 10)],
                  filing_id="ex-over-achieved")


def ex_total_sum() -> Filing:
    """seed 003's self-evaluation with the 总分 row printed as 95 of 105 (the real one is 93 of 100)."""
    f = seed003_selfeval()
    f.total_score, f.total_weight, f.filing_id = 95, 105, "ex-total"
    return f


def ex_grade() -> Filing:
    """seed 003's self-evaluation (93 分) with the grade printed as 良."""
    f = seed003_selfeval()
    f.grade_reported, f.filing_id = "良", "ex-grade"
    return f


def ex_savings_for_output() -> Filing:
    """proj_08's 孤儿助学人数 (9 of 10 planned) explained by procurement savings."""
    return Filing(doc_kind="project_self_eval", department="大英县民政局", filing_id="ex-savings",
                  indicators=[row(1, "产出指标", "数量指标", "孤儿助学人数", "10人", "9人", 10, 9,
                                  "通过政府采购节约了资金")])


def ex_reason_unclassified() -> Filing:
    """proj_02's 政策知晓率 (98 % of 100 %, 9 of 10) with the reason '详见自评报告'."""
    return Filing(doc_kind="project_self_eval", filing_id="ex-unclassified",
                  indicators=[row(1, "效益指标", "社会效益指标", "政策知晓率", "=100%", "98%", 10, 9, "详见自评报告")])


def ex_unit_mismatch() -> Filing:
    """A rate whose actual was written as an amount (28.8万元 in a % row, RULES.md)."""
    return Filing(doc_kind="project_self_eval", filing_id="ex-unit",
                  indicators=[row(1, "产出指标", "质量指标", "资金到位率", "≥95%", "28.8万元", 10, 10)])


def ex_percent_over_100() -> Filing:
    """proj_02's 学生满意度 with an actual of 105 %."""
    return Filing(doc_kind="project_self_eval", filing_id="ex-over-100",
                  indicators=[row(1, "满意度指标", "服务对象满意度指标", "学生满意度", "≧95%", "105%", 10, 10)])


def ex_money_as_output() -> Filing:
    """seed 003's 办公经费 with its cost (39.23万元) entered under 数量指标."""
    return Filing(doc_kind="dept_target", department=_DEPT_003, year=2022, filing_id="ex-money-output",
                  indicators=[row(1, "产出指标", "数量指标", "办公经费", "39.23万元")])


def ex_executed_over_budget() -> Filing:
    """seed 003's report figures: 160.48 spent against a budget of 116.41 (read as 全年预算数)."""
    return Filing(doc_kind="dept_self_eval", department=_DEPT_003, year=2022, budget_adjusted=116.41,
                  budget_executed=160.48, filing_id="ex-over-budget")


def ex_amount_magnitude() -> Filing:
    """A city office's figures in 元 under a 万元 heading (invented): 2,537,695 read as 万元."""
    return Filing(doc_kind="dept_target", department="示例市史志办", city="示例市", year=2021,
                  budget_initial=2537695.0, filing_id="ex-magnitude")


def ex_budget_parts() -> Filing:
    """proj_01 as printed: 年度资金总额 0 over 本年财政拨款 89.974."""
    return Filing(doc_kind="project_self_eval", budget_adjusted=0.0, budget_fiscal=89.974, filing_id="ex-parts")


def ex_plan_behind() -> Filing:
    """seed 000 table 3 (2.20 万元) with a plan that spends nothing until June: 0 / 0.2 / 1.65 / 2.20."""
    f = seed000_p3()
    f.spending_plan = _plan(("3月底", 0.0), ("6月底", 0.2), ("10月底", 1.65), ("12月底", 2.20))
    f.filing_id = "ex-plan-behind"
    return f


def ex_parse_partial() -> Filing:
    return Filing(doc_kind="project_self_eval", parse_status="partial", parse_notes=["未找到指标表头"],
                  filing_id="ex-partial")


def ex_low_confidence() -> Filing:
    """A web copy whose row printed only two numbers: 分值/得分 or 指标值/实际完成值? The evidence says it is doubtful."""
    ind = row(1, "产出指标", "质量指标", "培训合格率", None, actual=None, weight=10, score=10)
    ind.parse_confidence = 0.09
    return Filing(doc_kind="project_self_eval", filing_id="ex-low-confidence", indicators=[ind])


def ex_label_only() -> Filing:
    """A template row left as printed: 指标2： with …… as its value."""
    return Filing(doc_kind="project_target", filing_id="ex-label",
                  indicators=[row(1, "产出指标", "数量指标", "举办座谈会次数", "1次"),
                              row(2, "产出指标", "数量指标", "指标2：", "……")])


def ex_typo() -> Filing:
    """A satisfaction row whose name misspells 满意度 as 满义度 (a misspelling of the template's own wording)."""
    return Filing(doc_kind="project_target", filing_id="ex-typo",
                  indicators=[row(1, "满意度指标", "服务对象满意度指标", "服务对象满义度", "≥90%")])


def ex_placeholder_value() -> Filing:
    """seed 003's 生态效益指标 row: 无 / 无."""
    return Filing(doc_kind="dept_target", department=_DEPT_003, year=2022, filing_id="ex-placeholder",
                  indicators=[row(1, "效益指标", "生态效益指标", "无", "无")])


def ex_nameless_row() -> Filing:
    """A target table whose 三级指标 column was never filled (invented): 数量指标 | (blank) | 88."""
    return Filing(doc_kind="project_target", filing_id="ex-nameless",
                  indicators=[row(1, "产出指标", "数量指标", None, "88"), row(2, "产出指标", "质量指标", "验收合格率", "100%")])


def ex_basis_unknown() -> Filing:
    """seed 000 table 2's first row with 指标值确定依据 typed as 历史经检标准."""
    f = Filing(doc_kind="project_target", filing_id="ex-basis",
               indicators=[row(1, "产出指标", "数量指标", "购买办公用品数量", "≥1 个", basis="历史经检标准")])
    return f


def ex_copying() -> list[Filing]:
    """seed 003's target table, its self-evaluation (same department and year: not a copy), and the
    same indicators filed by another department."""
    a, b = seed003_target(), seed003_selfeval()
    c = seed003_target()
    c.department, c.filing_id = "株洲市渌口区某协会", "copy-of-seed003-target"
    return [a, b, c]


# --- soft targets: cross-year and peer comparisons (lists of filings) -------------------------

_KXC = "西部（重庆）科学城融媒体中心"


def ex_soft_lowered() -> list[Filing]:
    """seed 003's 2022 self-evaluation and a 2023 target table of the same department: its 2022 targets, with
    上级安排的工作任务完成率 lowered from 100% to 95% and 联系非公人士及招商引资 from 58人 (58人 done) to 50人."""
    last = seed003_selfeval()
    this = seed003_target()
    this.year, this.filing_id, this.source_file = 2023, "seed003-target-2023", "（示例）2023年部门整体支出绩效目标表"
    for ind in this.indicators:
        if ind.name == "上级安排的工作任务完成率":
            ind.target, ind.target_m = "95%", parse_measure("95%")
        elif ind.name == "联系非公人士及招商引资":
            ind.target, ind.target_m = "50人", parse_measure("50人")
    last.source_file = "data/seeds/003_483a086a129c8058.txt"
    return [last, this]


def _kxc(year: int, target: str, actual: str) -> Filing:
    f = dept08_kxc()
    f.department, f.year, f.filing_id = _KXC, year, f"dev-dept08-{year}"
    f.source_file = f"dept_08_chongqing_kxc_rmt_selfeval（{year}年，示例改写）"
    for ind in f.indicators:
        if ind.name == "播发稿件数量":
            ind.target, ind.actual = target, actual
            ind.target_m, ind.actual_m = parse_measure(target), parse_measure(actual)
    return f


def ex_soft_exceeded() -> list[Filing]:
    """dev dept_08's 播发稿件数量 (2859篇 published) with the target set to 1500篇, and the year before with
    1500篇 set and 2400篇 published (the real target is 2200篇)."""
    return [_kxc(2021, "1500篇", "2400篇"), _kxc(2022, "1500篇", "2859篇")]


def ex_soft_peers() -> list[Filing]:
    """seed 000 table 1 (新会员培训合格率 ≥95%) as filed by six departments of 正定县 in 2023 (targets 95–98%), and
    by one more with the target set to ≥80%."""
    out = []
    for k, target in enumerate(["≥95%", "≥95%", "≥96%", "≥98%", "≥95%", "≥97%", "≥80%"]):
        f = seed000_p1()
        f.province, f.filing_id = "河北省", f"seed000-p1-peer{k}"
        f.department = _DEPT_000 if k == 6 else f"正定县示例部门{k + 1}"
        f.project = "新会员培训经费"
        for ind in f.indicators:
            if ind.name == "新会员培训合格率":
                ind.target, ind.target_m = target, parse_measure(target)
        out.append(f)
    return out


def ex_soft_full_score() -> Filing:
    """seed 003's self-evaluation with every deduction given back and 总分 printed as 100: its 效益 rows still
    read ≧92% done against ≧95% targets."""
    f = seed003_selfeval()
    for ind in f.indicators:
        ind.score = ind.weight
    f.total_score, f.filing_id = 100, "ex-full-score"
    return f


# which builder shows each rule (run by the docs generator and the tests)
def ex_twin_differs() -> list[Filing]:
    """An invented project imported from the budget system's export (项目代码 given) and the same project
    read from its published target table, which prints another budget and another target for one row."""
    def project(kind: str, budget: float, target: str) -> Filing:
        f = Filing(doc_kind="project_target", province="湖南省", city="株洲市", county="茶陵县",
                   department="县示范教育局", project="乡村学校课桌椅更新项目", project_code="43022423P000001",
                   year=2023, budget_adjusted=budget, source_kind=kind,
                   indicators=[Indicator(seq=1, level1="产出指标", level2="数量指标", name="更新课桌椅套数", target=target,
                                         target_m=parse_measure(target), weight=20.0),
                               Indicator(seq=2, level1="产出指标", level2="质量指标", name="验收合格率", target="100%",
                                         target_m=parse_measure("100%"), weight=20.0)])
        f.filing_id, f.source_file = f"twin-{kind}", f"（示例）{kind}.xlsx"
        return f
    return [project("structured", 120.0, "≥1200套"), project("document", 100.0, "≥1000套")]


EXAMPLES = {
    "ex_selfeval_003": seed003_selfeval,
    "ex_vague_target": seed000_p1,
    "ex_cost_percent": seed000_p1,
    "ex_typo": ex_typo,
    "ex_timeliness_without_time": seed000_p1,
    "ex_plan_000_p2": seed000_p2,
    "ex_quantity_as_quality": seed000_p3,
    "ex_vague_actual": proj01_chizhou,
    "ex_exec_score": proj01_chizhou,
    "ex_exec_rate": proj01_chizhou,
    "ex_percent_word": proj01_chizhou,
    "ex_ecology_without_ecology": proj01_chizhou,
    "ex_all_full": proj01_chizhou,
    "ex_level1_weights": proj02_yongde,
    "ex_lookalike": dept08_kxc,
    "ex_full_though_missed": dept08_kxc,
    "ex_exec_low": proj05_changning,
    "ex_template_residue": proj05_changning,
    "ex_target_equals_actual": proj05_changning,
    "ex_output_done_low_exec": proj05_changning,
    "ex_exec_rate_misplaced": proj08_daying,
    "ex_time_percent": dept03_ningde,
    "ex_timeliness_as_quantity": dept03_ningde,
    "ex_satisfaction_misplaced": proj10_xiangtan,
    "ex_satisfaction_not": proj13_zhaohua,
    "ex_cost_is_benefit": proj17_jiayuguan,
    "ex_stray_latin": proj17_jiayuguan,
    "ex_soft_exec_low": dept08_kxc,
}
for _name in list(globals()):
    if _name.startswith("ex_") and _name not in EXAMPLES:
        EXAMPLES[_name] = globals()[_name]


def example_for(rule_id: str):
    """The example filing (or filings, for corpus rules) of a rule."""
    return EXAMPLES[REGISTRY[rule_id].example]()
