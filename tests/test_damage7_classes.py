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
