"""Narrative self-evaluation reports: headed sections and the figures they state."""
from __future__ import annotations

import re
from functools import lru_cache

from etl.lexicon import alternation, lexicon
from etl.normalise.place import place_led_names
from etl.parse.budget import MONEY, MoneySettings
from etl.parse.meta import looks_like_org
from etl.parse.vocab import fold_cell
from etl.records import YUAN_PER_WAN, Row, Section

_HEADING = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+部分)"
    r"|^(基本情况|预算单位基本情况|部门(单位)?基本(概况|情况)|预算执行情况|绩效目标(实现|完成)情况|存在的问题|下一步改进措施|改进措施|结果应用|绩效自评结果)"
)

_AMOUNT = r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*万元"
_AMOUNT_RE = re.compile(_AMOUNT)
# an amount in 万元, or in 元 as some reports print it to the fen ('1,200,000.00元'): group 'yuan' says which
_MONEY = r"(?P<figure>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?:万元|(?P<yuan>元))"


@lru_cache(maxsize=1)
def _stated() -> list[tuple[str, re.Pattern]]:
    """Figures a report states in prose (etl/lexicon.toml [report_figures]); each pattern ends with the
    amount (万元), the rate (%) or the score (分)."""
    lx = lexicon()
    join = rf"[:：]?({'|'.join(lx.report_figures['joiners'])})?[:：]?\s*"
    points = r"(?P<figure>\d+(?:\.\d+)?)\s*分"
    tail = {"rate": r"(?P<figure>\d+(?:\.\d+)?)\s*%", "score": points, "weight": points}
    money = _MONEY
    return [(key, re.compile(rf"({'|'.join(lx.report_figures[key])}){join}{tail.get(key, money)}"))
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
    amount = _MONEY.replace("?P<figure>", "?P<amount>")
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


NOT_SPENT_REACH = 24  # characters before a spending wording in which its clause may say it is a budget or a goal


def stated_figures(rows: list[Row], money: MoneySettings = MONEY) -> dict[str, float]:
    """Figures a report states in prose: 年初预算116.41万元, 执行率99.17%, 自评得93分."""
    text = fold_cell("\n".join(" ".join(r.texts) for r in rows))
    out: dict[str, float] = {}
    for key, pat in _stated():
        for m in pat.finditer(text):
            value = float(m.group("figure").replace(",", ""))
            if "yuan" in pat.groupindex and m.group("yuan"):
                value = value / YUAN_PER_WAN
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
        found = [float(m.group("amount").replace(",", "")) / (YUAN_PER_WAN if m.group("yuan") else 1.0)
                 for m in pat.finditer(text)
                 if key != "executed" or not not_spent.search(text[max(0, m.start() - NOT_SPENT_REACH): m.start()])]
        if found:
            out[key] = max(found)
    if "adjusted" not in out and out.get("executed") and out.get("rate"):
        implied = implied_budget(text, out["executed"], out["rate"], money.implied_budget_tolerance)
        if implied is not None and implied != out.get("initial"):
            out["adjusted"] = implied
    return out


def implied_budget(text: str, executed: float, rate: float, tolerance: float) -> float | None:
    """The first amount (万元) the text names that the spending over gives the stated rate: the budget, however
    it is worded ('收入总计', '可用资金'); None where no amount or several different ones fit."""
    fits = {a for m in _AMOUNT_RE.finditer(text) if (a := float(m.group(1).replace(",", ""))) > 0
            and abs(executed / a - rate) <= tolerance + 0.5 * 10 ** -_decimals(m.group(1)) * executed / a ** 2}
    return fits.pop() if len(fits) == 1 else None


def _decimals(figure: str) -> int:
    return len(figure.split(".")[1]) if "." in figure else 0


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


_YEAR = re.compile(r"(19|20)\d{2}年度?")
_PLACE_HEAD = re.compile(r"^[\u4e00-\u9fff]{1,8}?(省|自治区|市|州|盟|区|县|旗)(?=[\u4e00-\u9fff]{4})")
_DEPT_WORDS = re.compile(lexicon().report_figures["title"]["whole_department"])


def is_department_report(title: str | None) -> bool:
    """Is a report's title a whole department's ('某局2022年度部门整体支出绩效自评报告')? A title naming only the
    level that evaluated ('部门评价报告') is not."""
    s = lexicon().title_lead.sub("", fold_cell(title or ""))
    if any(re.search(p, s) for p in lexicon().report_figures["cues"]["evaluator_titles"]):
        return False
    return bool(title) and bool(_DEPT_WORDS.search(s))


PROJECT_IN_OPENING = r"(?P<project>[^，。,；;：:“”《》()（）]{2,40}?)"
OPENING_REACH = 6  # a report's first lines, in which its opening sentence stands
OPENING_CHARS = 400  # ... and the characters of them: past these the prose is the report's body


@lru_cache(maxsize=1)
def _opening_project() -> tuple[list[re.Pattern], re.Pattern, re.Pattern]:
    lx = lexicon()
    words = lx.report_figures["project"]
    first_person = alternation(lx.org_in_prose["first_person"])
    # the reporter and the year before the name: '我办', '本局', '2021年度'
    # (a place may stand before the year: '我县2023年度…')
    lead = re.compile(rf"^(({first_person})({alternation(lx.org_tails)}))?([^，。,；;]*?20\d\d年度?)?(的)?")
    not_project = re.compile(rf"{alternation(words['not_project'])}|^({alternation(words['generic'])})$")
    return [re.compile(p.replace("PROJECT", PROJECT_IN_OPENING)) for p in words["openings"]], lead, not_project


def project_in_opening(rows: list[Row]) -> str | None:
    """The project a report's opening sentence names: '现将我办某某经费绩效自评情况报告如下' -> '某某经费'; None
    when the sentence names the department's spending or every project rather than one."""
    pats, lead, not_project = _opening_project()
    # (a copy flattened onto one line holds the whole report in its first row: the opening is its head)
    s = fold_cell(" ".join(" ".join(r.texts) for r in rows[:OPENING_REACH]))[:OPENING_CHARS]
    for pat in pats:
        for m in pat.finditer(s):
            name = lead.sub("", m.group("project"))
            if len(name) >= MIN_PROJECT_NAME and not not_project.search(name) and not looks_like_org(name):
                return name
    return None


MIN_PROJECT_NAME = 4  # characters: a shorter subject ('本项目', '该项') is a reference, not a name


@lru_cache(maxsize=1)
def _used_for() -> tuple[re.Pattern, tuple[str, ...]]:
    words = lexicon().report_figures["project"]
    return re.compile(words["used_for"].replace("PROJECT", PROJECT_IN_OPENING)), tuple(words["used_for_tails"])


def project_money_used_for(rows: list[Row]) -> str | None:
    """The one project a report says its money was spent on ('下达资金201.48万元用于某某工程项目,'); None when it
    names none, or several ('10万元用于甲工程;20万元用于乙工程')."""
    pat, tails = _used_for()
    text = fold_cell("\n".join(" ".join(r.texts) for r in rows))
    names = {m.group("project") for m in pat.finditer(text)}
    names = {n for n in names if n.endswith(tails) and len(n) >= MIN_PROJECT_NAME and not looks_like_org(n)}
    return next(iter(names)) if len(names) == 1 else None


def names_whole_department(*texts: str | None) -> bool:
    """Does a report's title or text say it is about a whole department's spending ('部门整体支出绩效…')?"""
    words = lexicon().report_figures["cues"]["whole_department"]
    return any(w in fold_cell(t) for t in texts if t for w in words)


_BRACKETED = re.compile(r"\(([^()]{2,60})\)?$")  # folded text: '（…）' is '(…)'; a copy may cut the closing bracket


@lru_cache(maxsize=1)
def _bracket_notes() -> re.Pattern:
    return re.compile("|".join(lexicon().report_figures["title"]["bracket_notes"]))  # patterns, not words


def _bracketed_project(s: str, tail: re.Pattern, generic: re.Pattern) -> str | None:
    """'某馆2022年度项目支出绩效自评报告（某某补助资金）': the project in brackets after a title that names only its
    reporter; not a year alone or a note on the document ('（征求意见稿）')."""
    m = _BRACKETED.search(s)
    if m is None or not tail.search(s[:m.start()]):
        return None
    name = m.group(1).strip()
    core = _YEAR.sub("", name)
    if len(core) < MIN_PROJECT_NAME or generic.match(core) or _bracket_notes().search(name) or looks_like_org(name):
        return None
    return name


@lru_cache(maxsize=1)
def _title_words() -> tuple[re.Pattern, re.Pattern]:
    """A report title's tail after its project's name, and the names that are a kind of spending, not a project
    (etl/lexicon.toml [report_figures.title])."""
    words = lexicon().report_figures
    generic = [*words["title"]["generic"], *(re.escape(w) for w in words["project"]["generic"])]
    return re.compile(words["title"]["tail"]), re.compile(rf"^({'|'.join(generic)})$")


_ABOUT = re.compile(r"^(关于|对(?!口))")  # '关于2022年…的报告': the title's preposition, no part of the name (对口帮扶 is one)
PLACE_LEVELS = 3  # province, city, county: the places a name may begin with


def _reporter_ends(s: str) -> list[int]:
    """Where an organisation that leads a title may end ('某市某局2022年…' -> after 局), shortest first."""
    return [i for i in range(3, len(s) + 1) if looks_like_org(s[:i])]


def report_project(title: str | None) -> str | None:
    """The project a report's title names, as printed (the convention of a table's 项目名称 cell): its place, year,
    项目 and 专项资金 stay, the report's words after the name go ('某县2020年某某工程绩效自评报告' -> '某县2020年某某工程',
    '某某补助资金2023年度绩效自评报告' -> '某某补助资金'). The reporter that leads a title before the year is not part of
    the name ('某市某局2022年某某资金项目…' -> '2022年某某资金项目'). None for a whole-department report
    ('某局2022年度部门整体支出绩效自评报告') and for a title that names only a kind of spending ('某局2017年度项目…')."""
    if not title:
        return None
    s = lexicon().title_lead.sub("", fold_cell(title))  # '附件3:', a copy's page number ('2、') …
    if _DEPT_WORDS.search(s):
        return None
    tail, generic = _title_words()
    bracketed = _bracketed_project(s, tail, generic)
    if bracketed:
        return bracketed
    s = _ABOUT.sub("", tail.sub("", s)).strip("的 ")
    s = re.sub(rf"{_YEAR.pattern}$", "", s)  # '…转移支付2023年度': the year after the name is the report's
    year = _YEAR.search(s)
    ends = _reporter_ends(s[:year.start()] if year else s)
    # '某市某局2022年…', '某县某局关于…': the reporter, then the year or 关于, then the project
    lead = [i for i in ends if (year and i == year.start()) or _ABOUT.match(s[i:])]
    if lead:
        about = _ABOUT.match(s[lead[-1]:])
        s, ends = s[lead[-1] + (about.end() if about else 0):], []
    who = ends[-1] if ends else 0
    if looks_like_org(s):
        return None  # '某县某联合会2022年度项目支出绩效自评报告' names who reports, not a project
    # the name without its place, reporter and years: a kind of spending alone is no project
    core = _YEAR.sub("", s[who:])
    for _ in range(PLACE_LEVELS):  # '某市某新区财政支出项目': each level of the place
        core = _PLACE_HEAD.sub("", core)
    if len(core) < MIN_PROJECT_NAME or generic.match(core) or re.search(r"报告|公开|公示", s):
        return None
    return s


_CITED = re.compile(r"《[^《》]{0,80}》")
AUTHORITY_REACH = 4  # characters before a name in which '受', '根据' … make it an authority
IMPLEMENTER_WEIGHT = 2  # a mention as the one that carries the project out ('由某局负责实施') counts this many


def org_named_most(*texts: str | None) -> str | None:
    """The body a report names in its prose as its own, when no key or title names one: of the names that
    begin with a place ('绵阳市科学技术局主要有…'), the one named most, counted by the name with its place
    stripped so '县教育局' and '教育局' count for '霍邱县教育局'; a mention as the implementer ('由…负责实施')
    counts double, the report's first person ('我局') counts for each body with that tail, and ties go to
    the first named. Bodies named as an authority or a partner ('受某县财政局委托', '某市财政局下达',
    '根据…') and in cited documents ('《某厅关于…》') do not count. Returns the fullest name printed."""
    cues = lexicon().org_in_prose
    text = fold_cell("\n".join(t for t in texts if t))
    own = re.compile(rf"({alternation(cues['own_document_verbs'])})$")
    # a cited document's issuer is an authority, unless the report issued it itself ('制发《…》')
    text = _CITED.sub(lambda m: m.group(0) if own.search(text[max(0, m.start() - 4): m.start()])
                      else "《" + " " * (len(m.group(0)) - 2) + "》", text)
    before = re.compile(rf"({alternation(cues['authority_before'])})[\u4e00-\u9fff]{{0,2}}$")
    after = re.compile(rf"^({alternation(cues['authority_after'])})")
    imp_before = re.compile(rf"({alternation(cues['implementer_before'])})$")
    imp_after = re.compile(rf"^({alternation(cues['implementer_after'])})")

    def weight(start: int, end: int) -> int:
        head, tail = text[max(0, start - AUTHORITY_REACH): start], text[end:]
        if (before.search(head) and not head.endswith(tuple(cues["authority_not"]))) or after.match(tail):
            return 0
        return IMPLEMENTER_WEIGHT if imp_before.search(head) or imp_after.match(tail) else 1

    spans = place_led_names(text, cues["tails"])
    starts = {end: start for start, _, end in spans}  # a name's end -> where its place begins
    full: dict[str, str] = {}  # name without its place -> the fullest name printed
    for start, place_end, end in spans:
        key = text[place_end:end]
        if len(key) < 2 or not weight(start, end) or not looks_like_org(text[start:end]):
            continue
        if len(text[start:end]) > len(full.get(key, "")):
            full[key] = text[start:end]
    if not full:
        return None
    first_person = rf"({alternation(cues['first_person'])})"
    counts: dict[str, int] = {}
    for key in full:
        # every mention of the name, with or without its place ('霍邱县教育局', '县教育局', '教育局')
        n = sum(weight(starts.get(m.end(), m.start()), m.end()) for m in re.finditer(re.escape(key), text))
        tail = next(t for t in sorted(cues["tails"], key=len, reverse=True) if key.endswith(t))
        n += len(re.findall(rf"{first_person}{re.escape(tail)}(?!长)", text))  # '我局', not '本局长'
        counts[key] = n
    best = max(full, key=lambda k: counts[k])  # (dicts keep the order named: a tie goes to the first)
    return full[best] if counts[best] > 0 else None
