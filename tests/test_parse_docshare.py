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
