"""A report's table of contents (目录) names the filings it holds ('4、项目绩效目标自评表'): its entries are no
titles, so they open no filing of their own. Made-up texts; the real file of the kind is in tests/data/real
(dev4 proj4_25, a report whose 目录 opened an empty 自评表 filing)."""
from __future__ import annotations

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


# A copy that keeps the document's spaces as cell breaks, its contents on one line after the cover.
SPACED = (
    "某县水利局2022年度农村饮水维修项目绩效自评报告\n"
    "某县水利局 编制 目 录 1、项目基本情况 2、项目资金使用情况 3、项目绩效目标自评表 4、附件 "
    "附件 1:项目申请表 附件 2:项目照片\n"
    "项目名称 农村饮水维修 项目单位 某县水利局 主管部门 某县水利局\n"
    "一、项目基本情况\n"
    "本项目维修农村饮水工程二十处，年初预算安排资金50万元，全年执行50万元。\n"
    "二、项目资金使用情况\n"
    "资金按进度拨付，专款专用，未发现挤占挪用。自评结果为优秀。\n"
)

# Contents one entry a line, numbered in Chinese, naming a department table and a report.
LINED = (
    "某镇人民政府2023年度部门整体支出绩效自评报告\n"
    "目录\n"
    "一、部门基本情况\n"
    "二、部门整体支出绩效自评表\n"
    "三、绩效自评情况说明\n"
    "四、存在的问题\n"
    "一、部门基本情况\n"
    "某镇人民政府内设党政办、经济发展办等七个机构，年初预算安排资金860万元。\n"
    "全年支出850万元，预算执行率98.84%，完成年初设定的各项目标。\n"
    "二、绩效自评情况说明\n"
    "自评得分92分，评价等级为优。各项指标基本完成。\n"
)


def test_contents_on_one_line_open_no_filing():
    filings = parse(SPACED)
    assert len(filings) == 1, [(f.doc_kind, f.title) for f in filings]
    (f,) = filings
    assert f.doc_kind == "self_eval_report"
    assert f.project == "农村饮水维修"


def test_contents_one_entry_a_line_open_no_filing():
    filings = parse(LINED)
    assert [f.doc_kind for f in filings] == ["self_eval_report"], [(f.doc_kind, f.title) for f in filings]


def test_a_real_annexed_table_after_the_contents_still_opens_its_filing():
    # the table the contents name, printed after the report with its own title and rows, is a filing
    text = LINED + (
        "附件：某镇人民政府2023年度部门整体支出绩效自评表\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t办理民生实事件数\t≥10件\t12件\t20\t20\n"
        "产出指标\t质量指标\t项目验收合格率\t100%\t100%\t20\t20\n"
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t95%\t10\t10\n"
    )
    filings = parse(text)
    assert [f.doc_kind for f in filings] == ["self_eval_report", "dept_self_eval"]
    assert [i.name for i in filings[1].indicators] == ["办理民生实事件数", "项目验收合格率", "群众满意度"]
