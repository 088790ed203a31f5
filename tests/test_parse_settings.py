"""One settings object for the parser: passed through parse_document, printed by --explain, set from the CLI."""
from __future__ import annotations

import subprocess
import sys

import pytest

from etl.parse import parse_document
from etl.parse.parse_settings import DEFAULT
from etl.read import read_bytes
from tests.conftest import ROOT

SCRAMBLED = ("乡村饮水项目绩效自评表.xlsx\n"
             "某县2023年度项目支出绩效自评表 项目名称 乡村饮水 一级 指标 年度 实际 指标值 完成值 分值 二级指标 得分 三级指标 "
             "指标1:新建水厂 2座 2座 10 10 指标2:铺设管网长度 ≥30公里 28公里 10 9 指标3:水质达标率 100% 100% 10 10")


def test_a_setting_passed_to_parse_document_changes_the_reading():
    doc = read_bytes(SCRAMBLED.encode("utf-8"), "copy.txt")
    (default,) = parse_document(doc)
    assert len(default.indicators) == 3  # the printed header is out of order: the rows are read by content
    # a reading by content must beat the printed header by more than it can: the header's own order wins
    (strict,) = parse_document(doc, DEFAULT.resolve({"content.header_margin": 1000}))
    assert [i.name for i in strict.indicators] != [i.name for i in default.indicators]


def test_resolve_names_the_setting_it_does_not_know():
    with pytest.raises(ValueError, match="decode.nope"):
        DEFAULT.resolve({"decode.nope": 1})
    assert DEFAULT.resolve({"decode.skip_target": "1.5"}).decode.skip_target == 1.5
    assert DEFAULT.decode.skip_target == 2.0  # the default is untouched


@pytest.mark.slow
def test_the_cli_sets_and_prints_the_settings(tmp_path):
    f = tmp_path / "copy.txt"
    f.write_text(SCRAMBLED, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "etl.cli", "parse", str(f), "--explain", "--set", "content.header_margin=4.5"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "header_margin=4.5" in run.stdout and "decoder settings (decode.*)" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "etl.cli", "parse", str(f), "--set", "content.nope=1"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "未知的解析设置" in bad.stdout + bad.stderr
