"""Narrative self-evaluation reports: headed sections and the figures they state."""
from __future__ import annotations

import re
from functools import lru_cache

from etl.lexicon import lexicon
from etl.parse.meta import looks_like_org
from etl.parse.vocab import fold_cell
from etl.records import YUAN_PER_WAN, Row, Section

_HEADING = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)"
    r"|^(基本情况|预算单位基本情况|部门(单位)?基本(概况|情况)|预算执行情况|绩效目标(实现|完成)情况|存在的问题|下一步改进措施|改进措施|结果应用|绩效自评结果)"
)

_AMOUNT = r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*万元"


@lru_cache(maxsize=1)
def _stated() -> list[tuple[str, re.Pattern]]:
    """Figures a report states in prose (etl/lexicon.toml [report_figures]); each pattern ends with the
    amount (万元), the rate (%) or the score (分)."""
    lx = lexicon()
    join = rf"[:：]?({'|'.join(lx.report_figures['joiners'])})?[:：]?\s*"
    tail = {"rate": r"(\d+(?:\.\d+)?)\s*%", "score": r"(\d+(?:\.\d+)?)\s*分", "weight": r"(\d+(?:\.\d+)?)\s*分"}
    return [(key, re.compile(rf"({'|'.join(lx.report_figures[key])}){join}{tail.get(key, _AMOUNT)}"))
            for key in ("initial", "adjusted", "executed", "rate", "score", "weight")]


def is_heading(text: str) -> bool:
    s = fold_cell(text)
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


MIN_STATED_TOTAL = 40.0  # a self-score below this is a part's score: totals below 60 are 差, below 40 unheard of


@lru_cache(maxsize=1)
def _loose() -> tuple[list[tuple[str, re.Pattern]], re.Pattern]:
    """Looser wordings (etl/lexicon.toml [report_figures.loose]), in order, and what makes a spending a budget line."""
    loose = lexicon().report_figures["loose"]
    amount = r"(?P<amount>\d+(?:,\d{3})*(?:\.\d+)?)\s*万元"
    pats = [(key, re.compile(p.replace("AMOUNT", amount))) for key in ("initial", "adjusted", "executed")
            for p in loose[key]]
    return pats, re.compile(loose["not_spent"])


@lru_cache(maxsize=1)
def _keyed() -> list[tuple[str, re.Pattern]]:
    """A report's money form, one cell per line (etl/lexicon.toml [report_figures.keyed]): label (万元) amount."""
    keyed = lexicon().report_figures["keyed"]
    return [(key, re.compile(rf"(?<!万元\))(?<!元\))(?:{'|'.join(keyed[key])})\((?P<unit>万元|元)\)[:：]?"
                             r"(?P<amount>\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.%])"))
            for key in ("initial", "adjusted", "executed")]


def stated_figures(rows: list[Row]) -> dict[str, float]:
    """Figures a report states in prose: 年初预算116.41万元, 执行率99.17%, 自评得93分."""
    text = fold_cell("\n".join(" ".join(r.texts) for r in rows))
    out: dict[str, float] = {}
    for key, pat in _stated():
        for m in pat.finditer(text):
            value = float(m.groups()[-1].replace(",", ""))
            if key == "rate":
                value = value / 100.0
            if key in ("score", "weight") and not 0 < value <= 100:
                continue
            if key == "score":
                # the overall score is the one with the largest value stated as 得N分 (parts score less); a
                # report stating only parts' scores ('资金落实(6分)…自评得6分') states no total
                if value >= MIN_STATED_TOTAL:
                    out[key] = max(out.get(key, 0.0), value)
                continue
            out.setdefault(key, value)
    for key, pat in _keyed():
        m = None if key in out else pat.search(text)
        if m:
            out[key] = float(m.group("amount").replace(",", "")) / (YUAN_PER_WAN if m.group("unit") == "元" else 1.0)
    loose, not_spent = _loose()
    for key, pat in loose:
        if key in out:
            continue
        found = [float(m.group("amount").replace(",", "")) for m in pat.finditer(text)
                 if key != "executed" or not not_spent.search(text[max(0, m.start() - 8): m.start()])]
        if found:
            out[key] = max(found)
    return out


def report_cues(rows: list[Row]) -> bool:
    """Does the text say what only a self-evaluation report says (its own headings, its opening sentence)?"""
    cues = lexicon().report_figures["cues"]
    headings = [re.compile(p) for p in cues["headings"]]
    openings = [re.compile(p) for p in cues["openings"]]
    for r in rows:
        s = fold_cell(" ".join(r.texts))
        if (is_heading(s) and any(p.search(s) for p in headings)) or any(p.search(s) for p in openings):
            return True
    return False


_REPORT_TAIL = re.compile(r"(项目(支出)?|专项(资金)?)?(整体)?(支出)?(绩效)?(评价)?(单位|部门)?(自评价|自评|评价)(情况)?(报告|结果).*$"
                          r"|(绩效)?(自评|评价)$")
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[:：]?")  # '附件3:项目资金绩效评价报告.doc': the page's attachment number
_YEAR = re.compile(r"(19|20)\d{2}年度?")
_PLACE_HEAD = re.compile(r"^[\u4e00-\u9fff]{1,8}?(省|自治区|市|州|盟|区|县|旗)(?=[\u4e00-\u9fff]{4})")
_DEPT_WORDS = re.compile(r"部门整体|整体支出|部门预算|单位整体|部门绩效|^部门|决算")


def is_department_report(title: str | None) -> bool:
    """Is a report's title a whole department's ('某局2022年度部门整体支出绩效自评报告')?"""
    return bool(title) and bool(_DEPT_WORDS.search(_ATTACHMENT.sub("", fold_cell(title))))


def names_whole_department(*texts: str | None) -> bool:
    """Does a report's title or text say it is about a whole department's spending ('部门整体支出绩效…')?"""
    words = lexicon().report_figures["cues"]["whole_department"]
    return any(w in fold_cell(t) for t in texts if t for w in words)


def report_project(title: str | None) -> str | None:
    """The project a report's title names: '某某补助资金2023年度绩效自评报告' -> '某某补助资金';
    None for a whole-department report ('某局2022年度部门整体支出绩效自评报告')."""
    if not title:
        return None
    s = re.sub(r"^\d{1,2}、", "", _ATTACHMENT.sub("", fold_cell(title)))  # a copy's page number may lead the title
    if _DEPT_WORDS.search(s):
        return None
    s = _REPORT_TAIL.sub("", s)
    parts = [p for p in _YEAR.split(s) if p and not re.fullmatch(r"\d{2}|年度?", p)]
    # '临河区2023年耕地地力保护补贴': the project follows the year; '…转移支付2023年度': it precedes it
    s = parts[-1] if parts else ""
    if looks_like_org(s):
        return None  # '某县某联合会2022年度项目支出绩效自评报告' names who reports, not a project
    s = _PLACE_HEAD.sub("", s)
    s = re.sub(r"^(关于|对)", "", s).strip("的 ")
    return s if len(s) >= 4 and not re.search(r"报告|公开|公示", s) else None
