"""Damage classes of issue 17 read better in general (OCR'd operators and units, name blocks, scrambled
rows, run-on rows), each with made-up text in the shape the real copies show
(tests/data/real/damage_classes.toml)."""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.ocr_fold import fold_ocr
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


# --- OCR: an operator read as other characters ------------------------------------------------------
# A scan's OCR prints ≥ as '^' or '5=', ≤ as 'S', 人 after a figure as '入'. Glued, such a figure was cut at
# the look-alike ('5' | '=99%'); folded (for the decoder's decisions only) it is cut and priced whole, and the
# cell keeps what the copy prints.
OCR_OPERATORS = (
    "1、西河镇水利项目支出绩效自评表(2022年度)项目名称塘坝整治主管部门西河县水利局一级指标二级指标三级指标"
    "年度指标值实际完成值分值得分偏差原因分析及改进措施产出指标数量指标整治塘坝数量^12座13座1010"
    "受益农户数量5=300户320户1010质量指标验收合格率5=98%100%1010成本指标整治成本S85.6万元84.9万元55"
    "效益指标社会效益指标受益群众人数2000入2150入55\n"
)


def test_ocr_operators_and_units_inside_glued_figures_are_read_as_what_they_stand_for():
    (f,) = parse(OCR_OPERATORS)
    got = [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]
    assert got == [
        ("整治塘坝数量", "^12座", "13座", 10, 10),
        ("受益农户数量", "5=300户", "320户", 10, 10),
        ("验收合格率", "5=98%", "100%", 10, 10),
        ("整治成本", "S85.6万元", "84.9万元", 5, 5),
        ("受益群众人数", "2000入", "2150入", 5, 5),
    ]


def test_ocr_operator_and_unit_folds_keep_the_length_and_need_a_figure():
    for printed, read in [("^95%", "≥95%"), ("5=99%", ">=99%"), ("S67O.2万兀", "≤670.2万元"), ("50入", "50人"),
                          ("入学率", "入学率"), ("ISO9001", "IS09001"), ("15=20", "15=20"), ("S级", "S级"),
                          ("295%", "295%")]:
        assert fold_ocr(printed) == read and len(fold_ocr(printed)) == len(printed)


# --- spaced header words in a copy whose cells are separated by spaces --------------------------------
# A narrow header cell printed with spaces between its characters ('指 标 值', '分 值', '得 分') or wrapped
# before 指标 ('二级 指标') is split by the copy into pieces; the pieces are put back into the header word
# (the '指标' of '二级 指标' must not take the '值' of '分 值' and make a second 指标值 column).
SPACED = "\n".join([
    "某县某局2023年度项目支出绩效自评表",
    "项目名称  乡村道路养护  主管部门  某县交通运输局",
    "一级指标  二级 指标  三级指标  指 标 值  实际完成值  分 值  得 分",
    "产出指标  数量指标  养护道路里程  ≥120公里  126公里  30  30",
    "质量指标  路面完好率  ≥90%  95%  30  28",
    "效益指标  社会效益指标  群众出行条件改善  明显改善  明显改善  20  20",
    "满意度指标  服务对象满意度指标  沿线群众满意度  ≥90%  93%  20  20",
    "总分  100  98",
])
SPACED_ROWS = [
    ("产出指标", "数量指标", "养护道路里程", "≥120公里", "126公里", 30, 30),
    ("产出指标", "质量指标", "路面完好率", "≥90%", "95%", 30, 28),
    ("效益指标", "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", 20, 20),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", 20, 20),
]


def _rows(f):
    return [(i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]


def test_header_words_spaced_character_by_character_are_joined():
    (f,) = parse(SPACED)
    assert _rows(f) == SPACED_ROWS


def test_spaced_header_words_with_the_scores_printed_before_the_values():
    # the text layer drew the 分值 / 得分 pair first (etl/parse/scrambled.py): read once the header is whole
    lines = SPACED.split("\n")
    body = []
    for line in lines[3:-1]:
        cells = line.split("  ")
        body.append("  ".join(cells[:-4] + cells[-2:] + cells[-4:-2]))
    (f,) = parse("\n".join(lines[:3] + body + lines[-1:]))
    assert _rows(f) == SPACED_ROWS


# --- a name block: one name and an unfilled template row, then the name's values ----------------------
def test_one_name_with_an_unfilled_template_row_after_it_is_a_block():
    text = "\n".join([
        "某县某局2023年度项目绩效目标表",
        "项目名称  乡村道路养护  主管部门  某县交通运输局",
        "一级指标  二级指标  三级指标  指标值",
        "产出指标  数量指标  指标1：养护道路里程  指标2：新建排水沟长度",
        "≥120公里",
        "≥3000米",
        "满意度指标  服务对象满意度指标  指标1：沿线群众满意度  指标2：",
        "≥90%",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target) for i in f.indicators] == [
        ("养护道路里程", "≥120公里"), ("新建排水沟长度", "≥3000米"), ("沿线群众满意度", "≥90%")]


def test_a_header_cell_wrapped_onto_the_next_line_is_put_back_whole():
    # '指标值确定依' over '据': cut at the column's width, the cut piece names the 指标值 column (again) and
    # the 确定依据 column was lost, its values read as names
    text = "\n".join([
        "某县某局2023年度项目绩效目标表",
        "项目名称  乡村道路养护  主管部门  某县交通运输局",
        "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依",
        "据",
        "产出指标  数量指标  养护道路里程  反映养护道路里程情况  ≥120公里  计划标准",
        "质量指标  路面完好率  反映路面完好情况  ≥90%  行业标准",
        "满意度指标  服务对象满意度指标  沿线群众满意度  反映群众满意情况  ≥90%  历史标准",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name, i.target, i.basis) for i in f.indicators] == [
        ("数量指标", "养护道路里程", "≥120公里", "计划标准"), ("质量指标", "路面完好率", "≥90%", "行业标准"),
        ("服务对象满意度指标", "沿线群众满意度", "≥90%", "历史标准")]


def test_a_wrap_space_inside_an_ocr_d_figure_goes_as_inside_a_figure():
    # a document-sharing copy keeps Word's wrap spaces; a figure wrapped beside its decimal point loses it
    # whether its digits were read as digits or as letters
    from etl.parse.vocab_cut import unwrap

    assert unwrap("人员经费S67O .21万 兀公用经费≤553. l5万元") == "人员经费S67O.21万兀公用经费≤553.l5万元"
    assert unwrap("≤670 .21万元") == "≤670.21万元"
    assert unwrap("预算控制数≤371.6 6万元计划标准") == "预算控制数≤371.66万元计划标准"  # wrapped inside the decimals
    assert unwrap("满意度 90% 以上") == "满意度 90% 以上"


# --- OCR: letters for one character of a level word or key ('项Fl实施' for 项目实施) ------------------------
def test_a_level_word_with_ocr_letters_for_a_character_is_read_as_the_level():
    from etl.parse.vocab import fold_cell, is_level2

    assert is_level2("项Fl实施") and fold_cell("项Fl资金") == "项目资金" and fold_cell("Flash存储") == "Flash存储"
    text = "\n".join([
        "某县某局2023年度项目支出绩效自评表",
        "项目名称\t乡村道路养护\t主管部门\t某县交通运输局",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "项目管理\t财务管理\t财务制度有效性\t健全\t健全\t7\t7",
        "\t项Fl实施\t绩效监控有效性\t持续有效\t持续有效\t3\t3",
        "产出指标\t数量指标\t养护道路里程\t≥120公里\t126公里\t90\t90",
    ])
    (f,) = parse(text)
    assert [(i.level2, i.name) for i in f.indicators] == [
        ("财务管理", "财务制度有效性"), ("项Fl实施", "绩效监控有效性"), ("数量指标", "养护道路里程")]


def test_a_header_cell_split_at_a_space_and_wrapped_is_put_back_whole():
    # '绩效 指标描' over '述', '指标值确 定' over '依据': a narrow header cell broken by a space and wrapped; no
    # piece may be joined to a neighbour's header word ('指标描' + '指标值' names no column)
    text = "\n".join([
        "某县某局2023年度项目绩效目标表",
        "项目名称  乡村道路养护  主管部门  某县交通运输局",
        "一级指标  二级指标  三级指标  绩效 指标描  指标值  指标值确 定",
        "述  依据",
        "产出指标  数量指标  养护道路里程  反映养护道路里程情况  ≥120公里  计划标准",
        "质量指标  路面完好率  反映路面完好情况  ≥90%  行业标准",
        "满意度指标  服务对象满意度指标  沿线群众满意度  反映群众满意情况  ≥90%  历史标准",
    ])
    (f,) = parse(text)
    assert [(i.name, i.target, i.basis) for i in f.indicators] == [
        ("养护道路里程", "≥120公里", "计划标准"), ("路面完好率", "≥90%", "行业标准"),
        ("沿线群众满意度", "≥90%", "历史标准")]
