"""Excerpts that start inside a table: a search result or a shared document's later page, no title and no header
above the rows. The rows are still a filing (its kind from its columns), in every copy's layout. Made-up text."""
from __future__ import annotations

import pytest

from etl.parse import parse_document
from etl.read import read_bytes


def parse(text: str):
    return parse_document(read_bytes(text.encode("utf-8"), "excerpt.txt"))


TARGET_ROWS = [("数量指标", "新建道路长度", "≥5公里"), ("质量指标", "工程验收合格率", "100%"),
               ("时效指标", "完成时间", "2023年12月底前"), ("满意度指标", "群众满意度", "≥90%")]


@pytest.mark.parametrize("layout", ["spaced", "glued"])
def test_an_excerpt_of_a_target_table_without_its_header_is_a_target_filing(layout):
    if layout == "spaced":
        text = "\n".join(" ".join(r) for r in TARGET_ROWS) + "\n"
    else:  # a document-sharing copy: every cell run together
        text = "".join("".join(r) for r in TARGET_ROWS)
    (f,) = parse(text)
    assert f.doc_kind.endswith("target")
    assert [(i.name, i.target) for i in f.indicators] == [(n, t) for _, n, t in TARGET_ROWS]


@pytest.mark.parametrize("layout", ["spaced", "glued"])
def test_an_excerpt_of_a_self_evaluation_without_its_header_is_a_self_evaluation(layout):
    rows = [("质量指标", "验收合格率", "100%", "100%", "10", "10"),
            ("时效指标", "完成时限", "2022年12月底前", "2022年11月", "10", "10"),
            ("满意度指标", "群众满意度", "≥90%", "96%", "10", "9")]
    text = ("\n".join(" ".join(r) for r in rows) + "\n") if layout == "spaced" else "".join("".join(r) for r in rows)
    (f,) = parse(text)
    assert f.doc_kind.endswith("self_eval")
    assert [(i.name, i.target, i.actual, i.score) for i in f.indicators] == [
        (n, t, a, float(sc)) for _, n, t, a, _, sc in rows]
