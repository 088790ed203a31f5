"""Narrative self-evaluation reports: headed sections and the figures they state."""
from __future__ import annotations

import re

from etl.parse.vocab import fold_key
from etl.records import Row, Section

_HEADING = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)"
    r"|^(基本情况|预算单位基本情况|部门(单位)?基本(概况|情况)|预算执行情况|绩效目标(实现|完成)情况|存在的问题|下一步改进措施|改进措施|结果应用|绩效自评结果)"
)

_AMOUNT = r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*万元"
_STATED = [
    ("initial", re.compile(r"年初(部门)?预算(数|安排|资金)?(为|是|共|合计)?" + _AMOUNT)),
    ("adjusted", re.compile(r"(全年预算(数)?|调整后预算(数)?|财政预算经费|预算(总额|总数)|全年可用资金)(为|是|共|合计)?" + _AMOUNT)),
    ("executed", re.compile(r"(全年(总)?支出|年终[^，。]{0,20}?支出|实际支出|执行数|全年执行|总支出|累计支出)(为|是|共|合计)?" + _AMOUNT)),
    ("rate", re.compile(r"(预算(完成|执行)率|执行率)(为|是|达到?)?\s*(\d+(?:\.\d+)?)\s*%")),
    ("score", re.compile(r"(自评(得分|分数|结果)?(为|是)?|得)\s*(\d+(?:\.\d+)?)\s*分")),
]


def is_heading(text: str) -> bool:
    s = fold_key(text)
    return bool(_HEADING.match(s)) and len(s) <= 40


def sections(rows: list[Row]) -> list[Section]:
    out: list[Section] = []
    lines: list[list[str]] = []  # each section's lines, joined once at the end (linear time)
    cur: Section | None = None
    for row in rows:
        text = " ".join(t.strip() for t in row.texts if t.strip())
        if not text:
            continue
        if is_heading(text):
            cur = Section(kind="report", heading=text, text="", loc=row.loc)
            out.append(cur)
            lines.append([])
        elif cur is None:
            cur = Section(kind="report", heading="", text=text, loc=row.loc)
            out.append(cur)
            lines.append([text])
        else:
            lines[-1].append(text)
            cur.loc = cur.loc.merge(row.loc)
    for section, parts in zip(out, lines):
        section.text = "\n".join(parts).strip()
    return out


def stated_figures(rows: list[Row]) -> dict[str, float]:
    """Figures a report states in prose: 年初预算116.41万元, 执行率99.17%, 自评得93分."""
    text = fold_key("\n".join(" ".join(r.texts) for r in rows))
    out: dict[str, float] = {}
    for key, pat in _STATED:
        for m in pat.finditer(text):
            value = float(m.groups()[-1].replace(",", ""))
            if key == "rate":
                value = value / 100.0
            if key == "score" and not 0 < value <= 100:
                continue
            if key == "score":
                # the overall score is the one with the largest value stated as 得N分 (parts score less)
                out[key] = max(out.get(key, 0.0), value)
                continue
            out.setdefault(key, value)
    return out
