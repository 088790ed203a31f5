"""Classes of input that name a filing's place, with invented text: a county renamed after 2015 (撤县设市
and the like; the rename list is data, etl/normalise/place_renames.toml) is placed in today's division; a
county named only in passing, but again and again, is the filing's."""
from __future__ import annotations

import tomllib

from etl.normalise.place import RENAMES, _gazetteer, find_place
from etl.parse import parse_document
from etl.read import read_bytes


def test_a_filing_under_a_county_old_name_is_placed_in_todays_county():
    text = "\n".join([
        "横县某某局2017年度项目支出绩效自评表",
        "项目名称\t乡村公路养护\t主管部门\t横县某某局",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标\t数量指标\t养护里程\t≥30公里\t31公里\t20\t20",
    ])
    (f,) = parse_document(read_bytes(text.encode("utf-8"), "copy.txt"))
    assert (f.province, f.city, f.county) == ("广西壮族自治区", "南宁市", "横州市")


def test_old_names_of_districts_resolve_under_their_city():
    assert find_place("株洲县财政局").county == "渌口区"
    p = find_place("某某镇人民政府(原上饶县)", "上饶县某某镇人民政府")
    assert (p.city, p.county) == ("上饶市", "广信区")


def test_every_rename_names_a_division_of_today_and_an_old_name_no_longer_in_use():
    g = _gazetteer()
    entries = tomllib.loads(RENAMES.read_text(encoding="utf-8"))["rename"]
    assert len(entries) >= 50
    for r in entries:
        p = find_place(r["old"] + "财政局")
        assert p is not None and (p.county, p.city) == (r["new"], r["city"]), r
        # the old name is gone from today's table (else it would be a second place, not a rename)
        assert all(g.names.get(c) == r["new"] for c in g.by_name[r["old"]]), r
        assert 2015 <= r["year"] <= 2024, r


def test_a_county_named_only_in_passing_but_again_and_again_is_the_filings():
    # no organisation is named with a place; the county stands in the project list and a cited document
    text = "\n".join([
        "某某镇2022年项目支出绩效目标表",
        "附:荣昌区某某乡村绿化规划(2021-2025年)8.5万元",
        "根据《荣昌区某某工作方案》安排",
        "项目名称\t某某村道路绿化",
        "一级指标\t二级指标\t三级指标\t指标值",
        "产出指标\t数量指标\t栽种行道树\t≥800株",
    ])
    (f,) = parse_document(read_bytes(text.encode("utf-8"), "copy.txt"))
    assert f.county == "荣昌区"


def test_a_county_named_once_or_two_counties_named_place_nothing():
    from etl.normalise.place import find_repeated_county

    assert find_repeated_county("某某规划 荣昌区某某项目") is None
    assert find_repeated_county("荣昌区某某项目", "荣昌区某某规划", "永川区某某项目") is None
    assert find_repeated_county("荣昌区某某项目", "荣昌区某某规划").county == "荣昌区"
