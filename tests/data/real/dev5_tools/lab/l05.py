# dev5 label 16 (written after the first scoring run: it had been left out by mistake; see dev5_README.md)
_T = lambda l1, l2, text: R(l1, l2, text, None)
L("dept5_16_hunan-nanyue-shiyanzhongxue-dept-target-2017", "dept_target", trunc=True,
  prov="湖南省", city="衡阳市", county="南岳区", dept="南岳区实验中学", year=2017, initial=704,
  rows=[_T("产出指标", "质量指标", "学校的教育教学秩序良好,校园文化建设深受好评,力争毕业生合格率达100%"),
        _T("产出指标", "时效指标", "按时完成教学任务,顺利完成中考。"),
        _T("产出指标", "成本指标", "全年预算全额用于保障教育教学。"),
        _T("效益指标", "经济效益指标", "完成初中学历教育,收支平衡,确保全年未发生一起安全事故,师生犯罪率为零,校园安全,稳定、文明、和谐。"),
        _T("效益指标", "社会效益指标", "学校的教学秩序良好,中考成绩进一步稳定,深入推进教学改革,倡导教师用心反思,关注细节,发挥智慧,注重教学行为督查,构建校园安全文明、稳定、和谐。"),
        _T("效益指标", "环境效益指标", "学校绿化覆盖达70%,优化校园生态环境。"),
        _T("效益指标", "可持续影响指标", "以提高人才培养质量为核心,全力打造学校育人品牌,稳定城区生源,培养合格公民。")],
  notes="Hunan 部门整体支出绩效目标申报表 (2017 年度) of 南岳区实验中学(南岳区第二中学), one cell per line. 年度预算申请 资金总额:704 -> initial (公共财政拨款 683 + 专户 21; 基本 622 + 项目 82). The indicator block gives each 二级指标 one free-text cell ('质量指标:学校的教育教学秩序良好…') with no separate 三级 name or value: rows labelled with the text as the name and target null (doubtful convention — the text is as much a target as a name; no LABELS.md rule covers it). Cut inside the 服务对象满意度指标 text (not labelled). City world knowledge.")
