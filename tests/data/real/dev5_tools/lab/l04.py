# dev5 labels 29-36
L("proj5_29_hubei-ezhou-shenpiju-shiminzhongxin-selfeval", "project_self_eval", trunc=True,
  prov="湖北省", city="鄂州市", proj="市民中心运行维护费", year=2021,
  initial=150, adjusted=150, executed=125.25, rate=0.835, ew=100, es=98,
  rows=[R("产出指标", "数量指标", "预算执行率", "100%", "83.5%", w=20, s=18),
        R("产出指标", "数量指标", "预算资金拨款率", "100%", "100%", w=10, s=10),
        R("产出指标", "质量指标", "政务服务工作办结率", "100%", "100%", w=10, s=10),
        R("产出指标", "质量指标", "大厅业务日常考核结果", "100%", "100%", w=10, s=10),
        R("产出指标", "成本指标", "市民中心运行维护费", "150万", "150万", w=10, s=10),
        R("效益指标", "经济效益指标", "大厅运行正常率", "100%", "100%", w=10, s=10)],
  notes="Hubei 项目支出绩效自评表 ( 2021 年度) published by 鄂州市行政审批局, one cell per line ending ' |', with many blank template rows ('|' lines) between indicators — skipped. 主管部门 and 实施单位 cells are empty (department null; the publisher appears only in the page header). Money written with '万' in the cells ('150万', '125.25万'). The budget line carries 分值 100 and 得分 98 (the form's total put on the money line; kept as printed, doubtful), 执行率 83.5%. '预算执行率' used as an output quantity indicator; the cost row's actual (150万) contradicts the 125.25万 executed. 时效指标 has no row. level2 '经济效益 指标' joined. Cut inside the 社会效益 row.")
L("proj5_30_neimenggu-maskedcounty-shuili-fazhan-report", "self_eval_report", trunc=True,
  prov="内蒙古自治区", proj="**河县2023年度中央水利发展资金", year=2023, adjusted=2263,
  notes="Copy on a tender-information site (qianlima) with place and agency names masked by '**' ('**河县', '****财政局', '水**管理'). Region: '呼财农指' and '自治区水利发展资金' make the 内蒙古/呼和浩特 frame certain; city and county masked (null). Reporter masked (department null). Project from the title minus the report phrase, mask kept. The report's subject, 2023年中央水利发展资金, was 下达 2263万元 (-> adjusted); 791万元 衔接资金 and 5万元 自治区资金 are other money also listed. No execution figure or score in the excerpt.")
L("proj5_31_hunan-yongxing-shuili-jiushanhe-report", "self_eval_report", trunc=True,
  prov="湖南省", city="郴州市", county="永兴县", dept="永兴县水利局",
  proj="2019年度九山河耒水治理工程青苗费监理费专项资金", year=2019, adjusted=85.98,
  notes="永兴县水利局2019年度九山河耒水治理工程青苗费监理费专项资金绩效评价报告; project = title minus the department and the report phrase. '资金总计85.98万元' (sum of six items 22+4.98+16.11+12.66+2.68+27.55 = 85.98 ✓) -> adjusted. No execution figure or score (the 自评表 is an attachment outside the excerpt). City world knowledge.")
L("proj5_32_hubei-huangshi-tushuguan-gongxiang-selfeval", "project_self_eval", trunc=True,
  prov="湖北省", city="黄石市", dept="黄石市文化和旅游局", unit="黄石市图书馆", proj="共享工程", year=2022,
  adjusted=5, executed=5, rate=1.0, ew=20, es=20,
  rows=[R("产出指标", "数量指标", "一个存储备份器", "25TB", "25TB", s=10),
        R("产出指标", "数量指标", "WIFI布点全覆盖", "100%覆盖", "100%覆盖"),
        R("产出指标", "质量指标", "以最新资源面市", "资源采购期以当年为主", "资源采购期以当年为主", s=10, vt=True, va=True),
        R("产出指标", "时效指标", "可保证读者使用时长", "全天候可用", "全天候", s=10),
        R("产出指标", "时效指标", "2022年全年", "≥360天", "≥360天", va=True),
        R("产出指标", "成本指标", "以低价位高质量为采购原则", "5万", "5万", s=10),
        R("效益指标", "经济效益", "社会公益服务无经济效益", "公益性事业", "公益性事业", s=10, vt=True, va=True),
        R("效益指标", "社会效益", "使读者更方便快捷查找检阅", "独有数据资源查询,查询范围可扩展到省图", "独有数据资源查询,查询范围可扩展到省图", vt=True, va=True),
        R("效益指标", "社会效益", "促进黄石文化经济发展,丰富市民文化活动", None),
        R("效益指标", "环境效益", "数字图书馆环境优良无污染", "良好", "良好", s=10, vt=True, va=True),
        R("效益指标", "环境效益", "WIFI全覆盖,绿色环保", "良好", "良好", vt=True, va=True),
        R("效益指标", "可持续影响指标", "≥360天服务读者", "≥360天", "≥360天", s=10, va=True)],
  notes="Hubei 2022年度共享工程项目自评表 (附表2) of 黄石市图书馆, pipe rows, form 预算执行情况(20分) / 年度绩效目标1(80分) with columns 年初目标值(A) / 实际完成值(B) / 得分 (no 分值 column). Budget 5 / 5 / 100% / 20. Scores sit on the first row of each merged pair; second rows have none. Several 三级指标 cells hold aims rather than measures ('以最新资源面市', '社会公益服务无经济效益', '以低价位高质量为采购原则'); qualitative values marked vague; actuals written as inequalities ('≥360天') vague. One 社会效益 row has a name and no values. Cut inside the 满意度指标 row (not labelled). Note the level1 '效益指标(30分)' carries 5 scored rows of 10 (50 > 30).")
L("proj5_33_yunnan-baoshan-tushuguan-gonggongwenhua-report", "self_eval_report", trunc=True,
  prov="云南省", city="保山市", dept="保山市图书馆", proj="2022年中央支持地方公共文化服务体系建设补助资金", year=2022, ts=100,
  notes="保山市图书馆2022年度项目支出绩效自评报告(2022年中央支持地方公共文化服务体系建设补助资金 — closing bracket missing in the title), published by 保山市文化和旅游局. Report form that starts with 一、自评结论 (自评得分 100分 -> total_score) and lists indicator results in prose (no table: indicators empty). Project = the bracketed fund name. No budget figure in the excerpt (cut at '预算执行情况分析').")
L("proj5_34_xizang-changdu-karuo-fuli-jigou-report", "self_eval_report", trunc=True,
  prov="西藏自治区", city="昌都市", county="卡若区", dept="昌都市卡若区民政局",
  proj="昌都市卡若区2022年度社会福利机构运行及人员经费项目", year=2022, adjusted=423.38,
  notes="Third-party 绩效评价报告 (山东鲁瑞会计师事务所 commissioned by 昌都市卡若区财政局; date printed '2023228日' with separators lost). 项目主管部门 昌都市卡若区民政局 -> department. Project = title minus the report phrase (place prefix kept). '项目预算合计为423.38万元(其中:自治区169.35万元,市级254.03万元)' -> adjusted. No execution figure or score in the excerpt.")
L("proj5_35_unknown-rijianzhaoliao-docsite-report", "self_eval_report",
  proj="老年人日间照料中心项目", adjusted=173, executed=61.99,
  notes="Document-site copy (第一文档网) of a 老年人日间照料中心项目绩效自评报告 covering four village centres (龙江镇, 阳江镇, 万泉镇 ×2; county not named: region null). No year for the filing (dated 2020年7月16日, completion due 2020年9月底; year null). Reporter not named (department null). '申报预算资金173万元,已完成批复' -> adjusted 173; '资金完成61.99万元' -> executed (no rate printed; 35.8% if computed). The four listed 总投资 (216.42+203.71+203.09+203.82) are far above 173. 绩效等级 良, no numeric score. Complete (ends with the site's 本文来源 line).")
_LT = "proj5_36_hebei-laoting-shichangjianguan-multi-docsite-selfeval"
L(_LT, "project_self_eval", suffix="1-jiance", trunc=True, prov="河北省", city="唐山市", county="乐亭县",
  unit="乐亭县市场监督管理局", proj="商品质量检测经费", year=2021, tw=100, ts=99,
  rows=[R("效益指标", "可持续影响指标", "可持续", "可持续", "可持续", w=10, s=9, vt=True, va=True),
        R("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "100%", w=10, s=10)],
  notes="Document-site preview (taodocs) of a 17-page docx of 乐亭县市场监督管理局 项目支出绩效自评表 ( 2021年度), one cell per line. The preview drops most of the first table: it jumps from '年度资金总' straight to the tail of an indicator row ('≥90% 95% 10 10', its name and levels lost: not labelled), so no budget figures. Then '可持续影响指标 | 可持续 | 可持续 | 可持续 | 10 | 9' (name and values all '可持续'; level1 implied) and the 满意度 row, 总分 100 / 99. 主管部门 blank (department null), 实施单位 -> unit. City world knowledge.")
L(_LT, "project_self_eval", suffix="2-shuangsuiji", trunc=True, prov="河北省", city="唐山市", county="乐亭县",
  unit="乐亭县市场监督管理局", proj="双随机抽查委托审计费", year=2021, adjusted=30, executed=30, rate=1.0, ew=10,
  notes="Second table of the preview (双随机抽查委托审计费). Money line '年度资金总额 30 30 10 100% 99' under six headers (年初预算数 / 调整预算数 / 全年执行数 / 分值 / 执行率 / 得分) has one value missing; read as 调整 30, 执行 30 (consistent with 100%), 分值 10; the trailing 99 cannot be a score out of 10 (probably the total typed on the money line) — exec_score null. Doubtful: the two 30s could also be 年初 and 调整. The 实际完成情况 text has stray '%、%、%'. Cut before the indicator rows.")
