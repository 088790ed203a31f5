"""The filing vocabulary (etl/lexicon.toml), loaded once and compiled.

Every stage that needs a placeholder, an operator, a header wording, a level
name or a key label reads it from here, so the knowledge lives in one data
file and not in code.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.toml")


@dataclass(frozen=True)
class Lexicon:
    empty_cell: frozenset[str]
    blank_marks: tuple[str, ...]
    elided_marks: tuple[str, ...]
    reason_placeholders: frozenset[str]
    placeholder_row: re.Pattern
    placeholder_org: re.Pattern
    name_prefix: re.Pattern
    operators: tuple[tuple[str, str], ...]
    suffix_operators: tuple[tuple[str, str], ...]
    fold_chars: tuple[tuple[str, str], ...]
    glued_cell_operators: tuple[str, ...]
    nature_words: frozenset[str]
    direction_words: frozenset[str]
    unit_aliases: dict
    grade_words: tuple[str, ...]
    column_order: tuple[str, ...]
    columns: tuple[tuple[str, re.Pattern, float], ...]
    level1_names: tuple[str, ...]
    level1: re.Pattern
    level2: re.Pattern
    level2_of: tuple[tuple[re.Pattern, str], ...]
    level1_as_level2_under: frozenset[str]
    named_like_levels: frozenset[str]  # level-1 families whose indicators may bear their level-2 words
    unknown_level: re.Pattern
    level_number: re.Pattern  # a list number before a level label ('一、产出指标')
    broken_points: re.Pattern  # a level label whose points a line broke ('效益指标(3'): group 1 the label
    not_levels: frozenset[str]
    side_labels: tuple[str, ...]
    form_side_labels: tuple[str, ...]
    keys: tuple[tuple[str, re.Pattern], ...]
    other_key_labels: tuple[str, ...]
    list_columns: frozenset[str]
    publisher_site: re.Pattern
    chrome: tuple[re.Pattern, ...]
    org_tails: tuple[str, ...]
    report_figures: dict
    money_labels: dict
    money_columns: dict
    money_patterns: dict  # name -> regular expression ([money_patterns]), compiled
    title_kinds: tuple[tuple[re.Pattern, str], ...]  # [titles.kinds], macros expanded, in order
    title_tail: re.Pattern
    title_kind_words: re.Pattern
    annex_title: re.Pattern
    title_year: re.Pattern  # a title's year ('2023年度'), whole
    title_lead: re.Pattern  # what may lead a title before its subject: '附件3:', '表3-2', '2、', '【'
    header_side_words: frozenset  # a header's side label over the indicator columns ('绩效指标'): no column
    after_value_keys: tuple  # keys after an organisation's name on its line ('填报日期'): the value ends there
    spending_head: re.Pattern  # a money block's head that reports spending: an untitled table is a self-evaluation
    section_keys: tuple  # (pattern, section kind) of the key cells opening a form's goal, function and purpose texts
    title_subject_noise: re.Pattern  # what a title says besides its subject before its kind words (year, 关于, 的)
    report_heading: re.Pattern  # a report's numbered section heading ('一、项目基本情况')
    total_labels: tuple[str, ...]
    stated_total_labels: tuple[str, ...]
    org_title_follow: tuple[str, ...]
    org_short_name_cues: tuple[str, ...]
    org_subject_cues: tuple[re.Pattern, ...]
    org_in_prose: dict
    breadcrumb: re.Pattern
    govinfo_title: frozenset[str]
    govinfo_copy: frozenset[str]
    contents: re.Pattern
    contents_entry: re.Pattern
    operator_chars: str
    header_words: tuple[str, ...]
    required_mark: re.Pattern  # a form's mark before a required cell's word ('*指标值')
    long_periods: tuple[str, ...]
    content_grammars: tuple[tuple[str, ...], ...]
    annual_periods: tuple[str, ...]
    period_block: re.Pattern
    header_stems: frozenset[str]
    header_completions: frozenset[str]
    target_part_units: frozenset[str]  # a split 指标值's unit part, named under its sign and figure
    description_cues: tuple[str, ...]
    description_ends: tuple[str, ...]  # how an explanation ends ('…情况')
    calendar_name_start: str
    value_cues: tuple[str, ...]  # how a worded value begins (the decoder cuts glued text there)
    tagger_value_cues: tuple[str, ...]  # the same less [values] glued_cues: the cell tagger's feature
    change_words: tuple[str, ...]
    date_value: str
    scoring_rule: re.Pattern  # the wording of a 评(扣)分标准 cell
    unit_words: tuple[str, ...]
    known_units: frozenset[str]  # the unit words, their aliases and what the aliases stand for
    level2_words: tuple[str, ...]
    ocr_digits: dict
    ocr_chars: dict
    ocr_operators: dict
    ocr_units: dict
    ocr_words: dict
    ocr_specks: frozenset
    value_placeholders: tuple[str, ...]
    weak_operators: frozenset[str]
    weight_groups: tuple[tuple[str, tuple[str, ...]], ...]
    weight_groups_by_level2: tuple[tuple[str, tuple[str, ...]], ...]
    weight_group_merge: dict
    weight_names: dict
    checks: dict  # the checks' word lists ([checks.*]), as etl/check/settings.py reads them


def alternation(words) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _title_kinds(data: dict) -> tuple[tuple[re.Pattern, str], ...]:
    """[titles.kinds] patterns with their macros (<dept>, <target_table>, <org_tails>) written out."""
    macros = {**data["titles"]["macros"], "org_tails": "|".join(data["orgs"]["tails"])}

    def expand(pat: str) -> str:
        for k, v in macros.items():
            pat = pat.replace(f"<{k}>", v)
        return pat

    return tuple((re.compile(expand(pat)), kind) for pat, kind in data["titles"]["kinds"]["patterns"])


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = tomllib.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    ph, ops, cols, lv, keys = data["placeholders"], data["operators"], data["columns"], data["levels"], data["keys"]
    columns = tuple(
        (role, re.compile(pat), float(w)) for role in cols["order"] for pat, w in cols["patterns"].get(role, [])
    )
    level1 = re.compile(rf"^({alternation(lv['level1'])})$")
    op_chars = "".join(sorted({c for w, _ in ops["prefix"] for c in w if not ("\u4e00" <= c <= "\u9fff")}))
    return Lexicon(
        empty_cell=frozenset(ph["empty_cell"]),
        blank_marks=tuple(ph["blank_marks"]),
        elided_marks=tuple(ph["elided"]),
        reason_placeholders=frozenset(ph["reason"]),
        placeholder_row=re.compile(rf"^({'|'.join(ph['row_name'])})$"),
        placeholder_org=re.compile("|".join(ph["org"])),
        name_prefix=re.compile(rf"^({ph['name_prefix']})"),
        operators=tuple((w, s) for w, s in ops["prefix"]),
        suffix_operators=tuple((w, s) for w, s in ops["suffix"]),
        fold_chars=tuple((a, b) for a, b in ops["fold"]),
        glued_cell_operators=tuple(ops["glued_cell_words"]),
        nature_words=frozenset(ops["nature_words"]),
        direction_words=frozenset(ops["direction_words"]),
        unit_aliases=dict(data["units"]["aliases"]),
        grade_words=tuple(data["grades"]["printed"]),
        column_order=tuple(cols["order"]),
        columns=columns,
        level1_names=tuple(lv["level1"]),
        level1=level1,
        level2=re.compile(lv["level2"]),
        level2_of=tuple((re.compile(p), l1) for p, l1 in lv["level2_of"]),
        level1_as_level2_under=frozenset(lv["level1_as_level2_under"]),
        named_like_levels=frozenset(lv["named_like_levels"]),
        unknown_level=re.compile(lv["unknown_level"]),
        level_number=re.compile(lv["level_number"]),
        broken_points=re.compile(lv["broken_points"]),
        not_levels=frozenset(lv["not_levels"]),
        side_labels=tuple(lv["side_labels"]),
        form_side_labels=tuple(lv["form_side_labels"]),
        keys=tuple((fld, re.compile(keys[fld])) for fld in ("project", "project_code", "department", "department_weak", "filer", "publisher", "unit", "department_code")),
        other_key_labels=tuple(keys["other"]),
        list_columns=frozenset(keys["list_columns"]),
        publisher_site=re.compile(keys["publisher_site"]),
        chrome=tuple(re.compile(p) for p in data["titles"]["chrome"]),
        org_tails=tuple(data["orgs"]["tails"]),
        report_figures=dict(data["report_figures"]),
        money_labels={k: tuple(v) for k, v in data["money"].items()},
        money_columns={k: tuple(v) for k, v in data["money_columns"].items()},
        money_patterns={k: tuple(v) if isinstance(v, list) else re.compile(v) for k, v in data["money_patterns"].items()},
        total_labels=tuple(data["totals"]["labels"]),
        stated_total_labels=tuple(data["totals"]["stated"]),
        org_title_follow=tuple(data["orgs"]["title_follow"]),
        org_short_name_cues=tuple(data["orgs"]["short_name_cues"]),
        org_subject_cues=tuple(re.compile(p) for p in data["orgs"]["subject_cues"]),
        org_in_prose={k: tuple(v) for k, v in data["orgs"]["in_prose"].items()},
        breadcrumb=re.compile(data["titles"]["breadcrumb"]),
        title_kinds=_title_kinds(data),
        title_tail=re.compile(data["titles"]["kinds"]["tail"]),
        title_kind_words=re.compile(data["titles"]["kinds"]["kind_words"]),
        annex_title=re.compile(data["titles"]["kinds"]["annex"]),
        title_year=re.compile(data["titles"]["kinds"]["year"]),
        title_lead=re.compile(data["titles"]["kinds"]["lead"]),
        spending_head=re.compile(data["titles"]["kinds"]["spending_head"]),
        section_keys=tuple((re.compile(p), kind) for kind, p in keys["sections"].items()),
        title_subject_noise=re.compile(data["titles"]["kinds"]["subject_noise"]),
        report_heading=re.compile(data["titles"]["kinds"]["report_heading"]),
        govinfo_title=frozenset(data["titles"]["govinfo_title"]),
        govinfo_copy=frozenset(data["titles"]["govinfo_copy"]),
        contents=re.compile(data["titles"]["contents"]),
        contents_entry=re.compile(data["titles"]["contents_entry"]),
        operator_chars=op_chars,
        header_words=tuple(cols["words"]["list"]),
        header_side_words=frozenset(cols["words"]["side"]),
        after_value_keys=tuple(keys["after_value"]),
        required_mark=re.compile(rf"^({alternation(cols['required_marks'])})+"),
        long_periods=tuple(cols["periods"]["long"]),
        content_grammars=tuple(tuple(g) for g in data["content"]["grammars"]),
        annual_periods=tuple(cols["periods"]["annual"]),
        period_block=re.compile(cols["periods"]["block"]),
        header_stems=frozenset(cols["split"]["stems"]),
        header_completions=frozenset(cols["split"]["completions"]),
        target_part_units=frozenset(cols["target_parts"]["unit"]),
        description_cues=tuple(data["descriptions"]["cues"]),
        description_ends=tuple(data["descriptions"]["ends"]),
        calendar_name_start=data["names"]["calendar_start"],
        value_cues=tuple(sorted(set(data["values"]["cues"]) | set(data["values"]["glued_cues"]), key=len, reverse=True)),
        tagger_value_cues=tuple(sorted(data["values"]["cues"], key=len, reverse=True)),
        change_words=tuple(sorted(data["values"]["change"], key=len, reverse=True)),
        date_value=data["values"]["date"],
        scoring_rule=re.compile(data["values"]["scoring_rule"]),
        unit_words=tuple(data["units"]["words"]),
        known_units=frozenset(data["units"]["words"]) | frozenset(data["units"]["aliases"])
        | frozenset(data["units"]["aliases"].values()),
        level2_words=tuple(lv["level2_words"]),
        ocr_digits=dict(data["ocr"]["digits"]),
        ocr_chars={ord(k): v for k, v in data["ocr"]["chars"].items()},
        ocr_operators=dict(data["ocr"]["operators"]),
        ocr_units=dict(data["ocr"]["units"]),
        ocr_words=dict(data["ocr"]["words"]),
        ocr_specks=frozenset(data["ocr"].get("specks", [])),
        value_placeholders=tuple(ph["value"]),
        weak_operators=frozenset(ops["weak"]),
        weight_groups=tuple((g, tuple(words)) for g, words in lv["weight_groups"]),
        weight_groups_by_level2=tuple((g, tuple(words)) for g, words in lv["weight_groups_by_level2"]),
        weight_group_merge=dict(lv["weight_group_merge"]),
        weight_names=dict(lv["weight_names"]),
        checks={**data["checks"], "placeholders": list(ph["value"])},
    )


@lru_cache(maxsize=1)
def inequality_patterns() -> tuple[re.Pattern, re.Pattern]:
    """A value that starts with an inequality word or symbol ('≥95%', '不低于90%', '超过'), and one that
    ends with an inequality suffix ('95%以上'), over fold()ed text. Words that carry an operator only
    before a number (`weak`: '达到预期') do not count on their own."""
    lx = lexicon()
    start = [w for w, op in lx.operators if op in (">=", "<=", ">", "<") and w not in lx.weak_operators]
    return re.compile(rf"^({alternation(start)})"), re.compile(rf"({alternation(w for w, _ in lx.suffix_operators)})$")


@lru_cache(maxsize=1)
def functions() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What departments do ([functions]): (function, words its names contain), in matching order."""
    data = tomllib.loads(LEXICON_FILE.read_text(encoding="utf-8"))["functions"]
    return tuple((name, tuple(data["words"][name])) for name in data["order"])


def function_of(department: str | None) -> str | None:
    """The function a department's name says (教育局 -> 教育), or None."""
    if not department:
        return None
    for name, words in functions():
        if any(w in department for w in words):
            return name
    return None


@lru_cache(maxsize=1)
def operator_cell_pattern() -> re.Pattern:
    """A cell holding only a printed operator (指标性质 column), e.g. '≥' or '不低于'."""
    lx = lexicon()
    words = [w for w, _ in lx.operators if re.search(r"[\u4e00-\u9fff]", w)]
    return re.compile(rf"^([{re.escape(lx.operator_chars)}]{{1,2}}|{alternation(words)})$")
