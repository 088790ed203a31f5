"""Key fields of a filing: project, department, unit, codes, year.

Keys and values are read as a stream of cells in reading order: a key cell
('项目名称') is followed by its value cell, whatever the layout; a cell may
also hold both ('填报单位：（盖章）株洲市渌口区工商业联合会').
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl.lexicon import alternation, lexicon
from etl.normalise.measure import parse_measure
from etl.parse.cells import cell_text, is_empty_value
from etl.parse.vocab import META_KEYS, column_role, fold_cell, fold_ocr_keys, title_kind
from etl.records import Cell, Loc, Row

_KEY_VALUE = re.compile(r"^(?P<key>[^:：]{2,12})[:：]\s*(?P<value>.+)$")
_ORG_TAIL = re.compile(rf"({alternation(lexicon().org_tails)})$")
_CODE_SUFFIX = re.compile(r"\s*[\[【(（]?(?P<code>\d{3,9})[\]】)）]?\s*$")
_CODE_PREFIX = re.compile(r"^\s*[\[【(（]?(?P<code>\d{3,9})[\]】)）]?\s*[-—－_ ]?\s*(?=\S)")


def key_words(pattern: str) -> list[str]:
    """The plain words of a key pattern '^(项目名称|部门\\(单位\\)名称)$' -> ['项目名称', '部门(单位)名称']."""
    body = re.sub(r"^\^\(|\)(\(.*\))?\??\$$", "", pattern)
    words = [w.replace("\\(", "(").replace("\\)", ")") for w in body.split("|")]
    return [w for w in words if w and not re.search(r"[\\^$()*+?\[\]]", w.replace("(", "").replace(")", ""))]


@lru_cache(maxsize=1)
def _labels() -> tuple[list[tuple[str, str]], re.Pattern]:
    """(word, field) for every key label, longest first, and a pattern finding any label word."""
    lx = lexicon()
    pairs = [(w, fld) for fld, pat in lx.keys for w in key_words(pat.pattern)]
    pairs += [(w, "") for w in lx.other_key_labels]
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs, re.compile("|".join(re.escape(w) for w, _ in pairs))


@lru_cache(maxsize=1)
def _label_fields() -> dict[str, str]:
    """Label word -> its field. A word that is both a key and one of the `other` labels ('主管部门',
    listed there so it ends a value) keeps its field."""
    out: dict[str, str] = {}
    for w, fld in _labels()[0]:
        if fld or w not in out:
            out[w] = fld
    return out


def cut_at_next_label(value: str, start: int = 2) -> str:
    """'滨湖办公大楼运行保障项目类别本级支出' -> '滨湖办公大楼运行保障': glued keys end the value.

    Labels are matched leftmost-longest from the value's start, so a value that is itself a label
    ('主管部门') is not cut inside; short words that also end names ('部门', '来源') never cut.
    """
    _, any_label = _labels()
    # (found in the text with OCR's look-alikes folded: '…教育局实施第位自评' ends at 实施单位)
    folded, at = fold_ocr_keys(value)
    for m in any_label.finditer(folded):
        if at[m.start()] >= start and len(m.group()) >= MIN_CUT_LABEL:
            return value[: at[m.start()]]
    return value


MIN_CUT_LABEL = 4  # shorter key words ('部门', '来源') end organisation names too often to cut a value there


def _inline_pairs(text: str):
    """Key/value pairs inside one cell: '日期:2024-06-11  来源:某县某局', '项目名称某项目项目类别…'."""
    pairs, any_label = _labels()
    fields = _label_fields()
    s = text.strip()
    value_end = -1  # where the last key's value was cut at a label: a key starts there
    folded, at = fold_ocr_keys(s)  # a key OCR misread ('实施第位', '项Fl名称') is still its key
    for m in any_label.finditer(folded):
        fld = fields.get(m.group())
        start, end = at[m.start()], at[m.end()]
        rest = s[end:]
        # 'KEY: VALUE', or 'KEY    VALUE' as a form printed without its grid (a run of spaces is its cell border)
        colon = re.match(r"\s*[:：]\s*|\s{2,}(?=\S)", rest)
        if colon:
            rest = rest[colon.end():]
        elif (start > 0 and start != value_end) or not rest:
            continue  # a label word inside a sentence, not a key
        elif fields.get(m.group()) in ORG_FIELDS and not looks_like_org(cut_at_next_label(rest, 1)):
            continue  # '预算单位满意度': an indicator's name that begins with a key word, no key run into its value
        # the value ends at a run of spaces, or at a space before the next 'key:' ('来源:某局 浏览:')
        value = cut_at_next_label(re.split(r"\s{2,}|\t|\s+(?=[^\s:：]{1,8}[:：])", rest)[0], 1)
        if len(value) < len(rest):
            value_end = end + (colon.end() if colon else 0) + len(value)
        if fld and value.strip():
            yield fld, value.strip()


def _trailing_key(text: str) -> str | None:
    """The field of a key label (of MIN_CUT_LABEL characters or more) a cell of other keys and values ends with,
    run on after them ('填报单位：某局    单位：万元项目名称'). A cell that holds no other key's value before it
    ('级预算单位名称', a label whose first character was lost) is left to the key reader."""
    folded, _ = fold_ocr_keys(text.rstrip(" :："))
    last = None
    for m in _labels()[1].finditer(folded):
        last = m
    if last is None or last.end() != len(folded) or len(last.group()) < MIN_CUT_LABEL \
            or not re.search(r"[:：]|\s{2,}", folded[: last.start()]):
        return None
    return _label_fields().get(last.group()) or None


MIN_RUN_ON_KEYS = 2  # spaced key labels in one line that make it a form's keys run together, not a sentence
_QUALIFIER = re.compile(r"[(（][^()（）]{1,6}[)）]")  # '(盖章)', '(万元)' after a key label


def split_run_on_keys(row: Row) -> Row:
    """'填报单位(盖章) 某局 专项名称 某专项 部门名称 某局 资金总额(万元) 88 …': a form's keys and values run onto
    one line with single spaces. Each key label standing between spaces becomes a cell, and so does the word
    after it (its value); the text between stays as it was. A line with fewer such labels is left alone."""
    _, any_label = _labels()
    out: list[Cell] = []
    changed = False
    for cell in row.cells:
        text = cell.text
        spans = []  # (label start, label end incl. qualifier, value end)
        for m in any_label.finditer(text):
            if m.start() > 0 and not text[m.start() - 1].isspace():
                continue
            end = m.end()
            q = _QUALIFIER.match(text, end)
            end = q.end() if q else end
            gap = re.match(r"\s+", text[end:])
            if not gap or (spans and m.start() < spans[-1][2]):
                continue
            word = re.match(r"\S+", text[end + gap.end():])
            if not word:
                continue
            spans.append((m.start(), end, end + gap.end() + word.end()))
        if len(spans) < MIN_RUN_ON_KEYS:
            out.append(cell)
            continue
        changed = True
        pos = 0
        for a, b, c in spans:
            pieces = [text[pos:a], text[a:b], text[b:c]]
            out.extend(Cell(t.strip(), cell.loc) for t in pieces if t.strip())
            pos = c
        if text[pos:].strip():
            out.append(Cell(text[pos:].strip(), cell.loc))
    return Row(cells=out, loc=row.loc, table=row.table) if changed else row


@lru_cache(maxsize=1 << 16)
def meta_key(text: str) -> str | None:
    s = lexicon().required_mark.sub("", fold_cell(text))  # '*项目名称': a required cell's mark is no part of the key
    s = re.sub(r"[:：]$", "", s)
    for fld, pat in META_KEYS:
        if pat.match(s):
            return fld
    return None


def key_in_cell(text: str) -> str | None:
    """The field of a key printed with its value in one cell ('项目名称：校舍维修'), else None."""
    m = _KEY_VALUE.match(text.strip())
    return meta_key(m.group("key")) if m and m.group("value").strip() else None


@dataclass
class Token:
    text: str
    loc: Loc


def tokens(rows: list[Row]) -> list[Token]:
    """The cells with text, in reading order; a text copy's cell rules ('项目名称 | 某某 |') are no cell's text."""
    return [Token(c.text.strip(), c.loc) for r in rows for c in r.cells
            if c.text and c.text.strip() and c.text.strip(" |")]


ORG_FIELDS = ("department", "department_weak", "filer", "publisher", "unit")  # fields whose value names an organisation


_AFTER_VALUE = "|".join(lexicon().after_value_keys)  # '某局    填报日期：…': the value ends before such a key


def _clean_value(fld: str, value: str) -> str | None:
    # cut off a second key printed in the same cell ('渌口区财政局    单位：万元', '某某项目 主管部门：某局') before
    # spaces go: run together, the value's end and the next key may make a longer key ('项目' + '主管部门')
    value = re.split(rf"\s+(?:{_AFTER_VALUE})|\s+(?=[^\s:：]{{2,12}}[:：])", value.strip())[0]
    value = re.sub(r"\s*单位[:：]\s*(万元|元)\s*$", "", value)
    v = cell_text(value)
    if v is None:
        return None
    v = re.sub(r"^[（(]?盖章[）)]?", "", v).strip()
    v = re.sub(r"\s{2,}.*$", "", v) if fld in ("department", "unit", "filer") else v  # '单位名称:X  填报日期:…'
    v = re.split(rf"\s+(?:{_AFTER_VALUE})", v)[0].strip()
    v = cut_at_next_label(v).strip(" :：")
    if re.fullmatch(r"[^。；;]+[。；;]", v) and (fld not in ORG_FIELDS or looks_like_org(v[:-1])):
        v = v[:-1]  # '项目主管部门：某县农业农村局。' in a report's prose: the sentence's stop is not the name's
    if is_empty_value(v) or meta_key(v) or column_role(v) or title_kind(v) or is_key_label(v) \
            or fold_cell(v) in lexicon().list_columns:
        return None  # another key's label (or the next column's header of a list) is not this key's value
    if fld in ORG_FIELDS and lexicon().placeholder_org.search(fold_cell(v)):
        return None  # '县(市、区)教育部门': the template's words for whichever county files it
    if fld in ORG_FIELDS and re.search(r"[。；;！？!?]", v):
        return None  # a clause of running text after a key word ('部门(单位)整体…自评结果。'), not an organisation
    return v


MAX_WRAPPED_TAIL = 4  # characters of a key's value a narrow cell's wrap may carry past a space ('整 | 治')
_TAIL_CHARS = re.compile(r"[\u4e00-\u9fff]+")


def _wrapped_tail(toks: list[Token], i: int) -> bool:
    """Is toks[i] the tail of the value before it, cut off by a wrap: a few characters of words, no key nor
    organisation nor header of their own, right before the next key?"""
    if i + 1 >= len(toks):
        return False
    tail = fold_cell(toks[i].text)
    return (len(tail) <= MAX_WRAPPED_TAIL and bool(_TAIL_CHARS.fullmatch(tail)) and not meta_key(tail)
            and not is_key_label(tail) and not column_role(tail) and not looks_like_org(tail)
            and not meta_key(tail + toks[i + 1].text)  # ('主管 | 部门': the next key's head, wrapped)
            and (meta_key(toks[i + 1].text) is not None or key_in_cell(toks[i + 1].text) is not None
                 # the next key wrapped as well ('主管部 | 门')
                 or (i + 2 < len(toks) and meta_key(toks[i + 1].text + toks[i + 2].text) is not None)))


_MONEY_WORDS = re.compile(r"预算|執行|执行|年初|全年|资金|分值|得分")
KEY_VALUE_REACH = 3  # cells past a run of key labels in which a department's value is looked for


def is_key_label(text: str) -> bool:
    """Is the cell a key label (or one of the labels a key's value may run into), and nothing more?"""
    pairs, any_label = _labels()
    m = any_label.fullmatch(fold_cell(text).rstrip(":："))
    return m is not None


def _columnar(rows: list[Row]) -> dict[str, tuple[str, Loc]]:
    """Keys printed as a header row with their values in the row below ('单位名称 | 项目名称 | 预算数' over
    '某镇 | 某项目 | 3,309,840.00'), as multi-project target tables do."""
    out: dict[str, tuple[str, Loc]] = {}
    for r, below in zip(rows, rows[1:]):
        # a grid's rows, or a text copy's lines cut into as many cells as the header line
        if below.table != r.table or (r.table is None and len(below.cells) != len(r.cells)):
            continue
        keys = {pos: meta_key(c.text) for pos, c in enumerate(r.cells) if meta_key(c.text)}
        filled = [c.text for c in r.cells if c.text.strip()]
        # a header row of keys holds nothing but labels; 'key | value | key | value' is read in reading order
        if len(keys) < 2 or not all(meta_key(t) or is_key_label(t) or column_role(t) for t in filled):
            continue
        for pos, fld in keys.items():
            if pos < len(below.cells) and fld not in out:
                v = _clean_value(fld, below.cells[pos].text)
                if v:
                    out[fld] = (v, below.cells[pos].loc)
    return out


_NEXT_PAIR = re.compile(r"\s[^\s:：]{2,12}[:：]\s*\S")  # another 'key: value' after a space


def read_meta(rows: list[Row]) -> dict[str, tuple[str, Loc]]:
    """First value found for every key field."""
    out: dict[str, tuple[str, Loc]] = _columnar(rows)
    toks = tokens(rows)
    skip_to = -1
    for k, tok in enumerate(toks):
        if k <= skip_to:
            continue
        fld = meta_key(tok.text)
        value = None
        if k + 1 < len(toks) and meta_key(tok.text + toks[k + 1].text):
            # a key label split over two cells ('部门(单位)' | '名称'): the joined label is the key
            fld, skip_to = meta_key(tok.text + toks[k + 1].text), k + 1
            tok = Token(tok.text + toks[k + 1].text, tok.loc.merge(toks[k + 1].loc))
            k += 1
        if fld and k + 1 < len(toks):
            value = _clean_value(fld, toks[k + 1].text)
            if value is not None and _wrapped_tail(toks, k + 2):
                # '项目名称 | 某某工程综合整 | 治 | 主管部门': a narrow cell's wrap, flattened onto the line, is a space
                # inside the value; its tail stands alone before the next key
                value = _clean_value(fld, toks[k + 1].text + toks[k + 2].text) or value
                skip_to = max(skip_to, k + 2)
            if value is not None and fld in ("department", "unit", "filer") and not looks_like_org(value) \
                    and _MONEY_WORDS.search(value):
                value = None  # '年初全年预算全年': the money block's header ran into the key's cell
            if value is None and fld in ("department", "unit", "filer") and k > 0 and looks_like_org(toks[k - 1].text) \
                    and meta_key(toks[k - 1].text) is None:
                value = _clean_value(fld, toks[k - 1].text)  # a value printed before its key, as a scrambled copy does
            if value is None and fld in ("department", "unit", "filer") and is_key_label(toks[k + 1].text):
                # keys printed before their values ('部门名称 | 填报人 | 某某局 | 联系电话 …'): the first
                # organisation within reach is this key's value
                value = next((v for t in toks[k + 2: k + 2 + KEY_VALUE_REACH]
                              if (v := _clean_value(fld, t.text)) and looks_like_org(v)), None)
        elif not fld:
            m = _KEY_VALUE.match(tok.text.strip())
            if m:
                fld = meta_key(m.group("key"))
                if fld:
                    value = _clean_value(fld, m.group("value"))
            # a line holding more 'key: value' pairs apart ('主管部门：某局　　实施单位：某中心', a form's keys typed
            # as one paragraph): the pairs after the first are read too
            more = bool(fld) and bool(_NEXT_PAIR.search(m.group("value")))
            if (not fld or more) and len(tok.text) <= 400:
                for f2, v2 in _inline_pairs(tok.text):
                    v2 = _clean_value(f2, v2)
                    if not v2 or (f2 in ("department_weak", "filer", "publisher") and not looks_like_org(v2)):
                        continue
                    if f2 not in out and (not more or f2 != fld):
                        out[f2] = (v2, tok.loc)
                # a cell run on into the next key's label, whose value is the next cell ('…单位：万元项目名称 |
                # 某某工程', a document-sharing copy's run with the grid's tabs kept)
                ending = _trailing_key(tok.text)
                if ending and ending not in out and k + 1 < len(toks):
                    v3 = _clean_value(ending, toks[k + 1].text)
                    if v3 and (ending not in ORG_FIELDS or looks_like_org(v3)):
                        out[ending] = (v3, toks[k + 1].loc)
                if not more:
                    continue
        if fld in ("department_weak", "filer", "publisher") and value and not looks_like_org(value):
            continue
        if fld and value and (fld not in out or (fld == "project" and fold_cell(tok.text).startswith("二级项目"))) \
                and not is_key_label(tok.text + value):
            out[fld] = (value, tok.loc)  # a 二级项目名称 names the project better than its 一级 parent
    if "publisher" not in out:
        site = next((m for t in toks if (m := lexicon().publisher_site.search(t.text))), None)
        if site and looks_like_org(site.group("org")):
            out["publisher"] = (site.group("org"), next(t.loc for t in toks if site.group() in t.text))
    if "department_weak" in out:
        out.setdefault("department", out["department_weak"])
        del out["department_weak"]
    if "filer" in out:
        # '申报单位': the department that files, unless a 主管 key names the department above it
        out.setdefault("unit" if "department" in out else "department", out["filer"])
        del out["filer"]
    return out  # 'publisher' (发布机构, 来源) stays apart: a title names the department better


# a leading year ('2021年某局部门整体…'), then the body's name up to a tail the next words confirm (after the
# title's lead: '1、', '附件3:', '表3-2', '【')
_TITLE_ORG = re.compile(
    rf"^(20\d\d年度?)?(?P<org>[\u4e00-\u9fff（）()]{{2,30}}?({alternation(lexicon().org_tails)}))"
    rf"({alternation(lexicon().org_title_follow)})")


def org_in_title(*texts: str | None) -> str | None:
    """'大英县民政局2022年度…项目绩效自评情况公示' -> '大英县民政局'."""
    for t in texts:
        if not t:
            continue
        m = _TITLE_ORG.match(lexicon().title_lead.sub("", fold_cell(t)))
        if m:
            return m.group("org")
    return None


@lru_cache(maxsize=1)
def _introduced_org() -> re.Pattern:
    lx = lexicon()
    return re.compile(rf"(?P<org>[\u4e00-\u9fff（）()]{{2,30}}?({alternation(lx.org_tails)}))[(（]?"
                      rf"({alternation(lx.org_short_name_cues)})")


def org_in_prose(*texts: str | None) -> str | None:
    """The body a report introduces by the name it then shortens: '某州数据发展中心(以下简称“中心”)'."""
    for t in texts:
        m = _introduced_org().search(fold_cell(t or ""))
        if m:
            org = re.split(r"[，。；：,;:、]", m.group("org"))[-1]  # the clause the name stands in
            org = re.sub(r"^(20\d\d年度?|我们|我|本)", "", org)
            if looks_like_org(org):
                return org
    return None


_CLAUSE_START = re.compile(r"(^|[，,；;：:。])")
_ANY_TAIL = re.compile(alternation(lexicon().org_tails))
SUBJECT_REACH = 30  # characters after a clause's start in which the subject's name must end


def org_as_subject(*texts: str | None) -> str | None:
    """The body a report's opening sentence makes the subject of its self-evaluation:
    '…，市交通运输局对2022年度农村公路养护实施情况进行了绩效自查自评' -> '市交通运输局'."""
    lx = lexicon()
    for t in texts:
        s = fold_cell(t or "")
        if "自评" not in s and "自查" not in s:
            continue
        for start in _CLAUSE_START.finditer(s):
            head = re.split(r"[，,；;：:。]", s[start.end(): start.end() + SUBJECT_REACH])[0]
            for tail in _ANY_TAIL.finditer(head):  # every place the name may end ('市场监督管理局': not at 场)
                org = re.sub(r"^(20\d\d年度?|我们|我|本)", "", head[: tail.end()])
                if looks_like_org(org) and any(c.match(s[start.end() + tail.end():]) for c in lx.org_subject_cues):
                    return org
    return None


def org_in_breadcrumb(rows: list[Row]) -> str | None:
    """The section a page sits in names its publisher: '首页 >> 部门信息公开 >> 某县交通运输局 >> 正文'."""
    for r in rows:
        m = lexicon().breadcrumb.match(fold_cell(" ".join(r.texts)))
        if m:
            crumbs = [c for c in re.split(r"[>»›→]+", m.group("crumbs")) if c]
            org = next((c for c in reversed(crumbs) if looks_like_org(c)), None)
            if org:
                return org
    return None


def split_code(name: str | None) -> tuple[str | None, str | None]:
    """'219-池州市…政府' -> ('219', '池州市…政府'); '[155]教育局' -> ('155', '教育局')."""
    if not name:
        return None, name
    m = _CODE_PREFIX.match(name)
    if m and re.search(r"[\u4e00-\u9fff]", name[m.end():]):
        return m.group("code"), name[m.end():].strip()
    m = _CODE_SUFFIX.search(name)  # '示例市城市管理局 301001': the code printed after the name
    if m and looks_like_org(name[: m.start()]):
        return m.group("code"), name[: m.start()].strip()
    return None, name


def looks_like_org(text: str) -> bool:
    s = fold_cell(text)
    if re.search(r"[A-Za-z\s]", text.strip()) or re.search(r"[，。；：:、,;]", s):  # (folded: '，' is ',')
        return False
    if (m := parse_measure(s)) is not None and (m.op or len(m.unit or "") <= 1):
        return False  # an indicator's value ('≥100场', '120场') ends in a word some bodies end in too (林场)
    return 3 <= len(s) <= 40 and bool(_ORG_TAIL.search(s)) and not s.endswith(("顶部", "底部", "首页")) \
        and not title_kind(s)  # '…自评报告-民生工程-某县人民政府' is a page title, not a body's name


def code_and_unit_line(rows: list[Row]) -> tuple[str, str] | None:
    """'714001 正定县工商业联合会本级': a budget-unit code followed by the unit's name."""
    for r in rows:
        for t in r.texts:
            m = re.match(r"^(\d{5,9})\s*([\u4e00-\u9fff]\S+)$", t.strip())
            if m and looks_like_org(re.sub(r"本级$", "", m.group(2))):
                return m.group(1), m.group(2)
    return None


# a year, but not a document number's ('(2018)257号', '〔2021〕13号', '某报字(2023)第0002号', '上会某报字(2022)'),
# which dates a rule or a report's file number, not the filing
_YEAR = re.compile(r"(20[0-4]\d)(年度|年)|(?<![字发号])[（(](20[0-4]\d)(?![）)]?第?\d+号)[）)]?")
# a year that is part of a date or of a publication line is not the year a filing is about
_DATE_AFTER = re.compile(r"^\d{1,2}月")
# ... unless it opens the period the filing covers: '2022年1月起至2022年12月止', '2022年1月至12月'
_PERIOD_AFTER = re.compile(r"^\d{1,2}月(\d{1,2}日)?(起)?(至|到|—|-|~)(20[0-4]\d年)?\d{1,2}月")
_DATE_BEFORE = re.compile(r"(日期|(?<!起止)时间|发布|印发|发文|填报|报送|公开)[:：]?$")


def find_year(*texts: str | None) -> int | None:
    """The fiscal year a text names: '(2022年度)', '2023年…绩效自评表'; never a date such as 填报日期:2022年12月18日."""
    for t in texts:
        if not t:
            continue
        s = fold_cell(t)
        for m in _YEAR.finditer(s):
            year = m.group(1) or m.group(3)
            if m.group(1) and _DATE_AFTER.match(s[m.end():]) and m.group(2) == "年" \
                    and not _PERIOD_AFTER.match(s[m.end():]):
                continue
            if _DATE_BEFORE.search(s[max(0, m.start() - 6): m.start()]):
                continue
            return int(year)
    return None
