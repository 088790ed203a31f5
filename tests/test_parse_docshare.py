"""Glued and OCR'd copies from document-sharing sites (issue 17), with made-up text.

Qualitative values glued: a target and its actual worded as text with no figure ('按规定公开' /
'已公开') run together and into the row's 分值 and 得分. The first reading (the lattice, with the cell
tagger's evidence) cuts the words; reading the row's values again with its arithmetic may move the
cuts among the figures, but not the cut between two words, where the arithmetic knows nothing
('按规定公开已|公开' was read before).
"""
from __future__ import annotations

from etl.parse import parse_document
from etl.parse.decode import redecode_glued_row
from etl.read import read_bytes


def parse(text: str, name: str = "copy.txt"):
    return parse_document(read_bytes(text.encode("utf-8"), name))


RUN_ON = (
    "《东湖镇卫生院整体支出绩效自评表.docx》由会员分享,可在线阅读,更多相关《东湖镇卫生院整体支出绩效自评表.docx"
    "(3页珍藏版)》请在优知文库上搜索。\n"
    "1、东湖镇卫生院整体支出绩效自评表(2022年度)部门名称东湖县东湖镇卫生院一级指标二级指标三级指标年度指标值"
    "全年完成值分值得分偏差及原因分析产出指标质量指标档案公开率按规定公开已公开66成本指标支出控制不超预算全部达成44"
    "满意度指标服务对象满意度指标患者满意度90%92%1010\n"
)


def test_a_glued_qualitative_target_and_actual_keep_the_cut_between_the_words():
    (f,) = parse(RUN_ON)
    got = {i.name: (i.target, i.actual, i.weight, i.score) for i in f.indicators}
    assert got["档案公开率"] == ("按规定公开", "已公开", 6, 6)
    assert got["支出控制"] == ("不超预算", "全部达成", 4, 4)
    assert got["患者满意度"] == ("90%", "92%", 10, 10)


def test_reading_the_values_again_keeps_the_first_readings_word_cuts():
    roles = ["target", "actual", "weight", "score"]
    # the first reading cut '按规定公开|已公开' and left the figures glued: the figures are cut again
    assert redecode_glued_row("按规定公开已公开66", roles, word_cuts={5, 8}) == [
        ("target", "按规定公开"), ("actual", "已公开"), ("weight", "6"), ("score", "6")]


def test_reading_the_values_again_may_still_cut_a_repeated_word():
    roles = ["target", "actual", "weight", "score"]
    # '高高' left whole by the first reading: a target and its actual, the same word twice
    got = dict(redecode_glued_row("高高55", roles, word_cuts={2}) or [])
    assert (got.get("target"), got.get("actual")) == ("高", "高")


# OCR'd figures glued: letters for digits inside a figure ('l00%', '12O0平方米') and a look-alike unit
# ('万兀') are cut and priced as the figures they stand for; the cells keep the printed characters.
OCR_RUN_ON = (
    "1、东湖镇学校项目支出绩效自评表(2022年度)项目名称校舍维修主管部门东湖县教育局一级指标二级指标三级指标"
    "年度指标值实际完成值分值得分偏差原因分析及改进措施产出指标数量指标维修校舍面积≥12O0平方米13O5平方米1010"
    "质量指标验收合格率l00%100%1010时效指标完工及时率≥9O%95%55成本指标维修成本≤35.2万兀34.8万兀55\n"
)


def test_ocr_letters_inside_glued_figures_are_read_as_the_figures():
    (f,) = parse(OCR_RUN_ON)
    got = [(i.name, i.target, i.actual, i.weight, i.score) for i in f.indicators]
    assert got == [
        ("维修校舍面积", "≥12O0平方米", "13O5平方米", 10, 10),
        ("验收合格率", "l00%", "100%", 10, 10),
        ("完工及时率", "≥9O%", "95%", 5, 5),
        ("维修成本", "≤35.2万兀", "34.8万兀", 5, 5),
    ]


def test_folding_keeps_the_length_and_touches_only_figures():
    from etl.parse.ocr_fold import fold_ocr

    for printed, read in [("≥12O0平方米", "≥1200平方米"), ("l00%", "100%"), ("34.8万兀", "34.8万元"),
                          ("IO", "IO"), ("2021年lO月", "2021年lO月"), ("Fl实施", "Fl实施")]:
        assert fold_ocr(printed) == read and len(fold_ocr(printed)) == len(printed)


# A narrow merged cell printing a four-character label two characters a line ('产出' over '指标'), its text
# read column by column: '出标产指' (right column first). The label is put back before the line is cut.
def test_a_label_read_column_by_column_is_put_back():
    from etl.parse.vocab_cut import unscramble_blocks

    assert unscramble_blocks("满意度指标10出标产指25数量指标") == "满意度指标10产出指标25数量指标"
    assert unscramble_blocks("三级指标考值参分指标值") == "三级指标参考分值指标值"
    assert unscramble_blocks("产出指标数量指标") == "产出指标数量指标"  # printed right: untouched


def test_a_column_read_header_word_gives_the_table_its_weight_column():
    text = (
        "1、西湖中学项目支出绩效自评表(2022年度)项目名称校园维护主管部门西湖区教育局"
        "一级指标二级指标三级指标考值参分指标值全年实际值得分未完成原因分析及改进措施"
        "产出指标数量指标维护教室间数636间36间6质量指标验收合格率4100%100%4"
        "益标效指社会效益指标教学秩序10正常正常10\n"
    )
    (f,) = parse(text)
    got = [(i.level1, i.name, i.weight, i.target, i.actual, i.score) for i in f.indicators]
    assert got == [
        ("产出指标", "维护教室间数", 6, "36间", "36间", 6),
        ("产出指标", "验收合格率", 4, "100%", "100%", 4),
        ("效益指标", "教学秩序", 10, "正常", "正常", 10),
    ]


def test_a_figure_wrapped_at_its_decimal_point_is_joined():
    from etl.parse.vocab_cut import unwrap

    # a narrow column wrapped '≤670.21万元' at its decimal point; the copy kept the wrap as a space
    assert unwrap("人员经费≤670. 21万元效果明显66") == "人员经费≤670.21万元效果明显66"
    assert unwrap("人员经费≤670 .21万 元") == "人员经费≤670.21万元"
    assert unwrap("100% 100%") == "100% 100%"  # a space between two figures is no wrap of one


def test_a_column_read_label_in_a_cell_of_a_grid_is_put_back():
    text = "\n".join([
        "西湖区教育局2022年项目支出绩效目标表",
        "项目名称\t校园维护",
        "一级指标\t二级指标\t级标三指\t指标值",  # the header's 三级指标 read column by column
        "出标产指(40分)\t数量指标\t维护教室间数\t≥30间",
        "\t质量指标\t验收合格率\t100%",
    ])
    (f,) = parse(text)
    assert [(i.level1, i.level2, i.name, i.target) for i in f.indicators] == [
        ("产出指标", "数量指标", "维护教室间数", "≥30间"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
    ]
