"""Each damage of the generated-filing damage model does what it says, deterministically, and keeps the truth right."""
from __future__ import annotations

import random
import re

import pytest

from etl.eval.damaged import generated, measure
from etl.eval.score import SKIP_KEY
from etl.sample.damage import DAMAGES, damage, parse_text, words

H = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
TEXT = "\n".join([
    "某县农业农村局2022年度高标准农田建设项目支出绩效自评表",
    "",
    "填报单位：某县农业农村局    单位：万元",
    "",
    "\t".join(["项目名称", "高标准农田建设", "", "", "", "", "", "", ""]),
    "\t".join(["项目资金（万元）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]),
    "\t".join(["", "年度资金总额", "", "100", "120", "108", "10", "90%", "9"]),
    "\t".join(H),
    "\t".join(["", "产出指标(40分)", "数量指标", "新建高标准农田面积", "≥1000亩", "1010亩", "20", "20", ""]),
    "\t".join(["", "", "质量指标", "工程验收合格率", "100%", "", "10", "10", ""]),
    "\t".join(["", "", "", "指标3：", "", "", "", "", ""]),
    "\t".join(["", "", "时效指标", "完成及时率", "100%", "90%", "10", "8", "雨季影响施工，下一步提前安排工期。"]),
    "\t".join(["", "满意度指标(10分)", "服务对象满意度指标", "受益农户满意度", "≥90%", "95%", "10", "10", ""]),
    "\t".join(["总分", "", "", "", "", "", "100", "97", ""]),
]) + "\n"


def _row(l1, l2, name, target, actual, weight, score, reason=None, **extra):
    return {"level1": l1, "level2": l2, "name": name, "target": target, "actual": actual, "weight": weight,
            "score": score, "reason": reason, **extra}


TRUTH = {
    "file": "t.txt", "doc_kind": "project_self_eval", "truncated": False,
    "region": {"province": None, "city": None, "county": "某县"}, "department": "某县农业农村局", "unit": None,
    "project": "高标准农田建设", "year": 2022,
    "budget": {"initial": 100.0, "adjusted": 120.0, "executed": 108.0, "exec_rate": 0.9, "exec_weight": 10.0, "exec_score": 9.0},
    "total_weight": 100.0, "total_score": 97.0,
    "indicators": [
        _row("产出指标", "数量指标", "新建高标准农田面积", "≥1000亩", "1010亩", 20.0, 20.0),
        _row("产出指标", "质量指标", "工程验收合格率", "100%", None, 10.0, 10.0),
        _row("产出指标", "质量指标", "指标3：", None, None, None, None, _placeholder=True),
        _row("产出指标", "时效指标", "完成及时率", "100%", "90%", 10.0, 8.0, "雨季影响施工，下一步提前安排工期。"),
        _row("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "95%", 10.0, 10.0),
    ],
}
REAL_ROWS = [r for r in TRUTH["indicators"] if not r.get("_placeholder")]


def run(name, seed=1):
    return damage(TEXT, TRUTH, [name], random.Random(seed))


def table_lines(text):
    return [ln for ln in text.split("\n") if "\t" in ln]


def test_the_registry_holds_every_damage_the_issue_names():
    assert set(DAMAGES) == {"ocr_confusions", "indicator_prefixes", "header_synonyms", "reorder_columns",
                            "vertical_levels", "wrap_cells", "space_cells", "cells_per_line", "pipe_cells", "drop_empty_cells", "glue_cells", "page_chrome",
                            "pinyin_glosses", "traditional", "truncation",
                            # what the real copies of dev3 showed (issue 17)
                            "spaced_headers", "scramble_cells", "name_block", "glue_levels", "glue_wrapped", "page_markers",
                            # what the real docshare and OCR'd copies lose fields to (issue 17)
                            "qualitative_values", "column_read_labels",
                            # what the real OCR'd copies show besides (issue 17, ocr10)
                            "ocr_specks", "level2_points",
                            # the real scrambled text layers are flattened onto one line (issue 17)
                            "one_line"}


@pytest.mark.parametrize("name", list(DAMAGES))
def test_each_damage_changes_the_text_deterministically_and_leaves_its_input_alone(name):
    before = repr(TRUTH)
    text, truth = run(name, seed=3)
    assert text != TEXT
    assert (text, truth) == run(name, seed=3)
    assert repr(TRUTH) == before
    assert all("_placeholder" not in r for r in truth["indicators"])


def test_no_damage_gives_the_text_back_and_the_truth_without_placeholders():
    text, truth = damage(TEXT, TRUTH, ["none"], random.Random(0))
    assert text == TEXT
    assert truth["indicators"] == REAL_ROWS


def test_unknown_damage_and_wrong_truth_are_refused():
    with pytest.raises(ValueError, match="unknown damage"):
        damage(TEXT, TRUTH, ["smudge"], random.Random(0))
    with pytest.raises(ValueError, match="5 indicator rows"):
        parse_text(TEXT, {**TRUTH, "indicators": REAL_ROWS[:2]})


def test_header_synonyms_use_real_wordings_and_keep_the_truth():
    syn = words()["header_synonyms"]
    for seed in range(5):
        text, truth = run("header_synonyms", seed)
        header = table_lines(text)[3].split("\t")
        changed = [(a, b) for a, b in zip(H, header) if a != b]
        assert changed and all(b in syn[a] for a, b in changed)
        assert truth == {**TRUTH, "indicators": REAL_ROWS}


def test_drop_empty_cells_shifts_the_cells_of_a_row_with_a_missing_value():
    text, truth = run("drop_empty_cells")
    rows = table_lines(text)
    assert all(c.strip() for ln in rows for c in ln.split("\t"))
    assert "工程验收合格率\t100%\t10\t10" in text  # no 实际完成值: 分值 moved under it
    assert truth["indicators"] == REAL_ROWS


def test_glue_cells_leaves_no_separator():
    text, _ = run("glue_cells")
    assert "\t" not in text
    assert "产出指标(40分)数量指标新建高标准农田面积≥1000亩1010亩2020" in text


def test_wrap_cells_breaks_long_cells_onto_continuation_lines_in_their_column():
    text, truth = run("wrap_cells")
    width = max(len(c) for ln in table_lines(text) for c in ln.split("\t"))
    assert width in (6, 8, 10)
    lines = table_lines(text)
    head = next(i for i, ln in enumerate(lines) if ln.startswith("绩效指标"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("总分"))
    column = "".join(ln.split("\t")[3] for ln in lines[head + 1:end])  # the 三级指标 column read top to bottom
    assert column == "".join(r["name"] for r in TRUTH["indicators"])
    assert len(lines) > len(table_lines(TEXT))
    assert truth["indicators"] == REAL_ROWS


def test_vertical_levels_print_the_first_level_one_character_per_line():
    text, truth = run("vertical_levels")
    lines = text.split("\n")
    i = lines.index("产")
    assert lines[i:i + len("产出指标(40分)")] == list("产出指标(40分)")
    assert "产出指标" not in "".join(table_lines(text))
    assert truth["indicators"] == REAL_ROWS


def test_reorder_columns_moves_header_and_cells_together():
    text, _ = run("reorder_columns", seed=2)
    lines = table_lines(text)
    header = lines[3].split("\t")
    assert header[:3] == H[:3] and header != H and sorted(header) == sorted(H)
    row = dict(zip(header, lines[4].split("\t")))
    assert (row["三级指标"], row["年度指标值"], row["实际完成值"], row["分值"]) == ("新建高标准农田面积", "≥1000亩", "1010亩", "20")


def test_indicator_prefixes_number_names_and_add_placeholder_rows():
    text, truth = run("indicator_prefixes")
    names = [ln.split("\t")[3] for ln in table_lines(text)[4:-1]]
    assert "指标1：新建高标准农田面积" in names or "指标1:新建高标准农田面积" in names
    assert len(names) > 5  # a placeholder row was added
    assert any(re.fullmatch(r"指标\d[:：]|……|\.\.\.", n) for n in names if n != "指标3：")
    assert truth["indicators"] == REAL_ROWS  # the scorer strips the prefix; placeholders are not expected


def test_page_chrome_wraps_the_filing_in_site_lines_with_a_later_publication_year():
    text, truth = run("page_chrome", seed=4)
    lines = text.split("\n")
    kept = iter(lines)
    assert all(any(ln == k for k in kept) for ln in TEXT.rstrip("\n").split("\n") if ln)  # original lines, in order
    chrome = [ln for ln in lines if ln and ln not in TEXT.split("\n")]
    assert len(chrome) >= 6
    assert any(re.search(r"第 ?\d+ ?页|- \d+ -", ln) for ln in chrome)
    for year in re.findall(r"(20\d\d)[-年]", "\n".join(chrome)):
        assert int(year) > 2022
    assert truth == {**TRUTH, "indicators": REAL_ROWS}


def test_traditional_prints_and_expects_traditional_strings():
    import opencc

    text, truth = run("traditional")
    assert "項目名稱" in text and "績效" in text
    assert opencc.OpenCC("t2s").convert(text) == TEXT
    # strings are expected as printed: in traditional, numbers unchanged; a place is the gazetteer's (simplified)
    # name, as the real labels of traditional copies give it
    assert (truth["department"], truth["project"], truth["region"]["county"]) == ("某縣農業農村局", "高標準農田建設", "某县")
    assert [(r["level1"], r["name"], r["target"], r["weight"]) for r in truth["indicators"][:2]] == [
        ("產出指標", "新建高標準農田面積", "≥1000畝", 20.0), ("產出指標", "工程驗收合格率", "100%", 10.0)]
    for row in truth["indicators"]:
        assert "\t".join([row["name"], row["target"]]) in text


def test_pinyin_glosses_are_the_only_insertion():
    text, truth = run("pinyin_glosses")
    assert re.search(r"[数标产项](\((shù|biāo|chǎn|xiàng)\))", text)
    assert re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text) == TEXT
    assert truth["indicators"] == REAL_ROWS


def test_ocr_confusions_keep_string_values_as_printed_and_drop_unknowable_numbers():
    seen_skip = seen_string = False
    for seed in range(12):
        text, truth = run("ocr_confusions", seed)
        for want, ln in zip(truth["indicators"], [ln for ln in table_lines(text)[4:-1] if ln.split("\t")[3] != "指标3："]):
            cells = dict(zip(H, ln.split("\t")))
            assert want["target"] == cells["年度指标值"]  # as printed, confusions included
            seen_string |= cells["年度指标值"] not in ("≥1000亩", "100%", "≥90%")
            for col, key in (("分值", "weight"), ("得分", "score")):
                if not re.fullmatch(r"[\d.]+", cells[col]):
                    assert key in want[SKIP_KEY]
                    seen_skip = True
                else:
                    assert float(cells[col]) == want[key] and key not in want.get(SKIP_KEY, [])
    assert seen_skip and seen_string
    assert "年度资金总额\t\t100\t120\t108" in text  # amounts are not touched


def test_truncation_cuts_mid_row_and_expects_only_the_rows_before_the_cut():
    for seed in range(10):
        text, truth = run("truncation", seed)
        assert TEXT.startswith(text.rstrip("\n")) and len(text) < len(TEXT)
        assert truth["truncated"] is True and truth["total_weight"] is None and truth["total_score"] is None
        n = len(truth["indicators"])
        assert truth["indicators"] == REAL_ROWS[:n]
        for row in truth["indicators"]:  # every expected row is printed whole
            assert "\t".join([row["name"], row["target"]]) in text
        if n < len(REAL_ROWS):
            lost = next(ln for ln in TEXT.split("\n") if REAL_ROWS[n]["name"] in ln)
            assert lost.rstrip("\t") not in text  # the first row not expected is not printed whole


def test_harness_reads_undamaged_generated_filings_almost_perfectly():
    items = generated(10, seed=5)
    result = measure(items, ["none"], seed=5)
    assert result.changed == 0 and not result.errors
    assert result.score.found == 10
    assert result.score.rows_f1 == 1.0
    assert result.score.fields >= 0.99, [m for s in result.score.labels for m in s.misses]
    # the harness sees a wrong truth: one wrong target costs exactly one field
    name, text, label = items[1]
    wrong = {**label, "indicators": [{**label["indicators"][0], "target": "≥1"}] + label["indicators"][1:]}
    again = measure([items[0], (name, text, wrong)], ["none"], seed=5)
    assert again.score.labels[1].right == result.score.labels[1].right - 1


def test_every_damage_applies_to_generated_filings_of_every_kind():
    items = generated(25, seed=8)
    assert {label["doc_kind"] for _, _, label in items} == {
        "project_target", "dept_target", "project_self_eval", "dept_self_eval", "self_eval_report"}
    for name, text, label in items:
        real = [r for r in label["indicators"] if not r.get("_placeholder")]
        text2, truth = damage(text, label, list(DAMAGES), random.Random(name))
        assert text2 != text
        assert len(truth["indicators"]) <= len(real)
        if label["doc_kind"] != "self_eval_report":
            assert truth["truncated"] is True


def test_spaced_headers_break_header_words_at_spaces_and_keep_the_truth():
    for seed in range(6):
        text, truth = run("spaced_headers", seed)
        header = table_lines(text)[3].split("\t")
        assert header[0] == "绩 效 指 标"
        assert [h.replace(" ", "") for h in header] == H
        assert truth == {**TRUTH, "indicators": REAL_ROWS}
    assert any("二级 指标" in run("spaced_headers", seed)[0] or "三 级 指 标" in run("spaced_headers", seed)[0]
               or "三级 指标" in run("spaced_headers", seed)[0] for seed in range(6))


def test_scramble_cells_moves_cells_within_rows_one_way_per_table():
    seen = set()
    for seed in range(12):
        text, truth = run("scramble_cells", seed)
        lines = table_lines(text)
        row = [c for c in lines[4].split("\t") if c]
        if row[-1] == "新建高标准农田面积":  # the name after its values
            seen.add("name_last")
            assert row[:-1] == ["产出指标(40分)", "数量指标", "≥1000亩", "1010亩", "20", "20"]
            assert truth["indicators"] == REAL_ROWS
        elif row[3:] == ["20", "20", "≥1000亩", "1010亩"]:  # 分值 / 得分 before the values
            seen.add("scores_first")
            assert truth["indicators"] == REAL_ROWS
        else:  # levels held back to one block after the rows: not expected any more
            seen.add("levels_last")
            assert "产出指标(40分)" not in lines[4]
            assert any("产出指标(40分)" in ln and "服务对象满意度指标" in ln for ln in lines[5:])
            assert all(r["level1"] is None and r["level2"] is None for r in truth["indicators"])
            assert [r["name"] for r in truth["indicators"]] == [r["name"] for r in REAL_ROWS]
    assert seen == {"name_last", "scores_first", "levels_last"}


def test_name_block_prints_names_first_then_their_values_in_order():
    for seed in range(8):
        text, truth = run("name_block", seed)
        lines = text.split("\n")
        block = next((ln for ln in lines if ln.endswith("质量指标\t工程验收合格率\t指标3：")), None)
        if block is None:
            continue
        i = lines.index(block)
        assert lines[i + 1].split("\t")[:4] == ["100%", "", "10", "10"]  # the first name's values
        assert not lines[i + 2].strip("\t")  # the placeholder row's (none)
        assert "完成及时率\t100%\t90%" in lines[i + 3]  # the next group printed as before
        assert truth["indicators"] == REAL_ROWS
        return
    raise AssertionError("no seed printed a block of names")


def test_name_block_may_print_names_with_their_targets_and_lose_a_numbered_name():
    lost = with_targets = 0
    for name, text, label in generated(12, seed=4):
        for k in range(3):
            text2, truth = damage(text, label, ["indicator_prefixes", "name_block"], random.Random(f"{name}:{k}"))
            for line in text2.split("\n"):
                cells = [c for c in line.split("\t") if c]
                # a line of names each followed by its target, as no undamaged row prints
                pairs = [(a, b) for a, b in zip(cells, cells[1:]) if a.startswith("指标") and not b.startswith("指标")]
                with_targets += len(pairs) >= 2 and sum(c.startswith("指标") for c in cells) >= 2
            gone = [r for r in truth["indicators"] if r["name"] is None]
            lost += bool(gone)
            # a lost name is not printed; the row's target still is
            for r in gone:
                assert r["target"] is None or r["target"] in text2
            assert len(truth["indicators"]) == len([r for r in label["indicators"] if not r.get("_placeholder")])
    assert with_targets and lost


def test_one_line_runs_the_text_on_after_its_first_line_with_wrapped_cells_kept_together():
    text, truth = damage(TEXT, TRUTH, ["wrap_cells", "one_line", "space_cells"], random.Random(2))
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == 2 and lines[0] == TEXT.split("\n")[0]
    # a wrapped cell's lines printed together, a space where it broke: no piece of it is anywhere else
    reason = "雨季影响施工，下一步提前安排工期。"
    k = lines[1].index(reason[:4])
    assert lines[1][k:k + len(reason) + 4].replace(" ", "").startswith(reason)
    assert "新建高标准农田面积" in lines[1].replace(" ", "")
    assert truth["indicators"] == REAL_ROWS


def test_glue_levels_wrap_the_level_before_its_zhibiao_and_run_it_into_the_name():
    text, truth = run("glue_levels")
    assert "产出 指标(40分)数量 指标新建高标准农田面积" in text
    assert "质量 指标工程验收合格率" in text
    assert truth["indicators"] == REAL_ROWS


def test_glue_wrapped_glues_cells_and_leaves_a_space_where_a_long_cell_wrapped():
    for seed in range(4):
        text, truth = run("glue_wrapped", seed)
        assert "\t" not in text
        row = next(ln for ln in text.split("\n") if "1010亩" in ln)
        assert " " in row and row.replace(" ", "") == "产出指标(40分)数量指标新建高标准农田面积≥1000亩1010亩2020"
        assert truth["indicators"] == REAL_ROWS


def test_page_markers_print_run_on_pages_numbered_where_the_page_broke():
    text, truth = run("page_markers", seed=5)
    lines = [ln for ln in text.split("\n") if ln]
    assert "由会员分享" in lines[0] or "本文档由用户提供" in lines[0]
    pages = lines[1:]
    assert [ln.split("、", 1)[0] for ln in pages] == [str(k + 1) for k in range(len(pages))]
    run_on = "".join(ln.split("、", 1)[1] for ln in pages)
    assert run_on == "".join(ln for ln in TEXT.split("\n") if ln)  # nothing lost, nothing added but markers
    assert truth == {**TRUTH, "indicators": REAL_ROWS}


def test_ocr_reads_operators_and_look_alike_characters_the_way_real_ocr_does():
    printed = "".join(run("ocr_confusions", seed)[0] for seed in range(30))
    assert {"5=1000亩", "^1000亩", "21000亩"} & set(re.findall(r"(?:5=|\^|2)1000亩", printed))
    assert "工程验收合格卒" in printed or "高标准农田面积" in printed


def test_qualitative_values_word_targets_and_actuals_as_text_and_the_truth_follows():
    pairs = {tuple(p) for p in words()["qualitative"]["pairs"]}
    for seed in range(4):
        text, truth = run("qualitative_values", seed)
        changed = [r for r, old in zip(truth["indicators"], REAL_ROWS) if r["target"] != old["target"]]
        assert changed
        for r in changed:
            assert not re.search(r"\d", r["target"]) and r["target"] in text
            assert any(r["target"] == t for t, _ in pairs)
            if r["actual"] is not None:
                assert r["actual"] in text
        assert [r["weight"] for r in truth["indicators"]] == [r["weight"] for r in REAL_ROWS]


def test_column_read_labels_print_four_character_labels_column_by_column():
    for seed in range(4):
        text, truth = run("column_read_labels", seed)
        assert any(w in text for w in ("出标产指(40分)", "意指满度(10分)", "效标绩指", "级标一指", "级标二指", "级标三指"))
        assert truth == {**TRUTH, "indicators": REAL_ROWS}
