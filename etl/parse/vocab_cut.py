"""Lines that lost every separator, cut at the vocabulary before anything reads them.

OCR and doc-sharing copies print a whole table as one string:
'…一级指标二级指标三级指标指标值产出指标数量指标培训人次≥500人次质量指标…'.
Such a line is cut where a word of the lexicon stands (key labels, column
headers, level names) and where a title stands, so the key, money and header
readers see cells. What lies between two vocabulary words (an indicator's name
and values run together) is left to the decoder's lattice (etl/parse/decode.py),
which cuts it with the row's costs; the pieces carry `glued=True` so it knows.

The words come from etl/lexicon.toml; the thresholds that say a line lost its
separators are a named setting (`CutSettings`), printed by `--explain`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl.lexicon import alternation, lexicon
from etl.parse.meta import key_words
from etl.parse.vocab import TITLE_PATTERNS, fold_ocr_keys
from etl.records import Cell, Row


@dataclass(frozen=True)
class CutSettings:
    min_len: int = 60  # a line this long holding `min_words` vocabulary words lost its separators
    min_words: int = 4
    header_len: int = 11  # a shorter line qualifies when it is mostly vocabulary ('一级指标二级指标三级指标…')
    header_words: int = 3
    spaced_word_len: float = 25.0  # characters per space-separated word below which a line kept its separators
    run_on_words: int = 3  # vocabulary words run into their neighbours that make such a line glued after all
    words_across_cuts: int = 2  # vocabulary words a reader's cells split that show its cuts were wrap spaces
    wrapped_words: int = 3  # vocabulary words with a wrap space inside that make a copy's spaces wrap spaces


SETTINGS = CutSettings()


@lru_cache(maxsize=1)
def _vocabulary_words() -> tuple[list[str], frozenset[str]]:
    """Every literal word of the lexicon a glued line may be cut at, longest first, and the level words."""
    lx = lexicon()
    keys = {w for _, pat in lx.keys for w in key_words(pat.pattern)} | set(lx.other_key_labels) | set(lx.header_words) \
        | {w for words in lx.money_labels.values() for w in words} | set(lx.total_labels)
    levels = set(lx.level1_names) | set(lx.level2_words)
    return sorted({w for w in keys | levels if len(w) >= 2}, key=len, reverse=True), frozenset(levels)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[re.Pattern, frozenset[str]]:
    words, levels = _vocabulary_words()
    return re.compile("|".join(map(re.escape, words))), levels


@lru_cache(maxsize=1)
def _titles() -> re.Pattern:
    """A filing's title inside a glued line ('…县级部门预算项目支出绩效目标表(2023年度)'): the title patterns
    with the qualifiers printed before them and the year after."""
    kinds = "|".join(p.pattern for p, _ in TITLE_PATTERNS if not p.pattern.startswith("^"))
    return re.compile(rf"(?:(?:省|市|县|区)级)?(?:部门预算)?(?:{kinds})[(（]?(?:\d{{4}}年度?)?[)）]?")


def is_glued(text: str, s: CutSettings = SETTINGS) -> bool:
    if len(text) <= s.header_len:
        return False
    words = text.split()
    if len(words) > 2 and len(text) / len(words) < s.spaced_word_len and _run_on_words(text) < s.run_on_words:
        return False  # a line of words separated by spaces kept its separators ('1、上级专项 2、本级专项' inside a
        # glued line does not make it one), unless its vocabulary words run into their neighbours
    hits = _vocabulary()[0].findall(text)
    return (len(text) > s.min_len and len(hits) >= s.min_words) or (
        len(hits) >= s.header_words and sum(map(len, hits)) >= len(text) / 2)


def _run_on_words(text: str) -> int:
    """How many vocabulary words touch the text beside them with no space ('…代码101示例局 实施单位示例司资金总额:')."""
    n = 0
    for m in _vocabulary()[0].finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        n += not before.isspace() and not after.isspace() and after not in ":：(（"
    return n


_OPS = re.escape(lexicon().operator_chars)


def split_glued(text: str) -> list[str]:
    """The pieces of a glued line: vocabulary words and titles on their own, the text between them whole."""
    vocab, levels = _vocabulary()
    cuts = [(m.start(), m.end()) for m in _titles().finditer(text) if not _kind_words_in_a_name(text, m, vocab)]
    # (found with OCR's look-alikes folded, at their printed places: '项Fl名称', '实施第位' are keys)
    folded, at = fold_ocr_keys(text)
    for m in vocab.finditer(folded):
        start, end = at[m.start()], at[m.end()]
        after = text[end: end + 1]
        # a level word directly followed by a value is an indicator's name ('服务对象满意度%=99')
        if m.group() in levels and after and re.match(rf"[{_OPS}%％\d]", after):
            continue
        cuts.append((start, end))
    inside = _bracketed(text) | _in_sentences(text, vocab)
    parts: list[str] = []
    pos = 0
    for start, end in sorted(cuts):
        if start < pos or start in inside:
            continue  # a word inside a bracketed note ('得分(20分*执行率)') or a sentence is part of it
        parts.extend([text[pos:start], text[start:end]])
        pos = end
    parts.append(text[pos:])
    return _notes_to_their_word([p.strip() for p in parts if p.strip()])


_AFTER_TITLE = re.compile(r"$|[\s\d(（\[【《:：,，.。、]")


def _kind_words_in_a_name(text: str, m: re.Match, vocab: re.Pattern) -> bool:
    """A title's kind words found in glued text right after a row's figures or a level label and run on into
    other words ('…88评价报告合格率有效改善…', '…质量指标评价报告合格率…'): an indicator's name, no title. A title
    names its body or project before its kind words, and ends where the text does, or a bracket, a figure, a
    clause mark or a key label ('填报单位') follows."""
    a = m.start()
    in_row = a > 0 and (text[a - 1].isdigit() or text[a - 1] in "%％"
                        or any(v.end() == a for v in vocab.finditer(text, max(0, a - TITLE_LOOKBACK), a)))
    return in_row and not (_AFTER_TITLE.match(text, m.end()) or vocab.match(text, m.end()))


TITLE_LOOKBACK = 12  # characters before a title's kind words searched for a level label or header word ending there


def _in_sentences(text: str, vocab: re.Pattern) -> set[int]:
    """Where a vocabulary word ends a clause of a sentence ('…下一步科学设置绩效目标。'): words before it, a
    clause mark right after it. A label or a header word is followed by its value or the next cell, never
    by a clause mark."""
    return {m.start() for m in vocab.finditer(text)
            if m.start() > 0 and _CJK_WORD.match(text[m.start() - 1]) and text[m.end(): m.end() + 1] in _CLAUSE_END}


_CLAUSE_END = frozenset("。；;，,")


def _bracketed(text: str) -> set[int]:
    """Positions inside a short bracketed note ('(20分*执行率)'): no cut falls there."""
    return {i for m in _NOTE.finditer(text) for i in range(m.start() + 1, m.end())}


_NOTE = re.compile(r"[(（][^()（）]{1,12}[)）]")
_LEADING_NOTE = re.compile(r"^([(（][^()（）]{1,12}[)）])+")


def _notes_to_their_word(parts: list[str]) -> list[str]:
    """'预算数' | '(A)执行数(B)' -> '预算数(A)' | '执行数(B)': a bracketed note printed after a word ('(A)',
    '(B/A)', '(20分*执行率)') belongs to that word, not to the next one; '其中：' belongs to the word after it."""
    out: list[str] = []
    for p in parts:
        m = _LEADING_NOTE.match(p)
        if m and out:
            out[-1] += m.group()
            p = p[m.end():]
        if p and out and _OF_WHICH.fullmatch(out[-1]):
            out[-1] += p  # '其中：' | '财政资金' is one label: 其中 introduces the part that follows it
        elif p:
            out.append(p)
    return out


_OF_WHICH = lexicon().money_patterns["of_which"]  # '其中：' introduces the part after it


# a wrap space between two characters of text, or beside the decimal point of a figure ('≤670. 21万元',
# '≤670 .21万元': a narrow column wrapped the figure; a decimal point never ends nor starts a cell). An OCR'd
# figure's digits may be letters ('S67O .21万兀', '553. l5': lexicon [ocr] digits); a wrap inside the decimals
# ('≤371.6 6万元') is one too.
_DIGIT = "[\\d" + "".join(re.escape(c) for c in lexicon().ocr_digits) + "]"
_IN_DECIMALS = "|".join(rf"(?<=\d\.{_DIGIT * k})" for k in (1, 2, 3))
_WRAP_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000\u00a0]+(?=[\u4e00-\u9fff])"
                         rf"|(?<={_DIGIT}\.)[ \u3000\u00a0]+(?={_DIGIT})|(?<={_DIGIT})[ \u3000\u00a0]+(?=\.{_DIGIT})"
                         rf"|(?:{_IN_DECIMALS})[ \u3000\u00a0]+(?={_DIGIT})")


# a wrap space between two digits ('≤15 40.75万元', '2020年1 2月底前'): a narrow column broke a figure. Only
# where spaces are wraps: with the cells' separators gone, figures run together whether the space is kept
# or not, and the decoder cuts the run where the row's arithmetic says
_DIGIT_WRAP = re.compile(r"(?<=\d)[ \u3000\u00a0](?=\d)")
# a wrap space between a figure and its unit ('2024 年12月 底前', '4666 平方米'): a narrow column broke the cell
# after the figure (only where spaces are wraps, as in unwrap: where they separate cells, a unit column may
# follow a figure)
_UNIT_WRAP = re.compile(rf"(?<=\d)[ \u3000\u00a0]+(?=(?:{alternation(lexicon().known_units)}))")
# and one beside the text's own punctuation ('“三公” 经费控制率', '增收 ，'): a quote or a comma wraps like a character
_PUNCT = "“”‘’、，。；：（）《》"
_PUNCT_WRAP = re.compile(rf"(?<=[\u4e00-\u9fff{_PUNCT}])[ \u3000\u00a0]+(?=[\u4e00-\u9fff{_PUNCT}])")


def unwrap(text: str) -> str:
    """A glued line keeps the spaces Word left where a cell's text wrapped ('一级 指标二级 指标', '新建乡村图
    书室'): with the separators gone they are inside words, so they go."""
    return _PUNCT_WRAP.sub("", _UNIT_WRAP.sub("", _DIGIT_WRAP.sub("", _WRAP_SPACE.sub("", text))))


def _rejoined(row: Row, s: CutSettings) -> Row:
    """A glued line that a reader cut at its wrap spaces ('一级 | 指标二级 | 指标三级指标…', '绩 | 效 | 指 | 标'):
    where vocabulary words run across the cuts, the pieces were never cells: they go back together."""
    texts = [c.text for c in row.cells if c.text.strip()]
    if row.table is not None or len(texts) < 3:
        return row
    joined, bounds = "", set()
    for t in texts:
        joined += t.strip()
        bounds.add(len(joined))
    vocab = _vocabulary()[0]

    def broken(m: re.Match) -> bool:  # a word cut into pieces that are no words ('绩|效指标'); '执行率|得分' is two
        return any(m.start() < b < m.end() and not vocab.fullmatch(joined[m.start():b])
                   and not vocab.fullmatch(joined[b:m.end()]) for b in bounds)

    across = sum(1 for m in vocab.finditer(joined) if broken(m))
    longest = max(texts, key=len)
    # and the line is glued between its spaces: a piece that long holding several vocabulary words (a table
    # copied with spaces between short cells, one header word broken, is not)
    if across < s.words_across_cuts or len(longest) < s.min_len / 2 or len(_vocabulary()[0].findall(longest)) < s.header_words:
        return row
    return Row(cells=[Cell(joined, _cells_loc(row.cells))], loc=row.loc, table=row.table)


def _cells_loc(cells: list[Cell]):
    """Where cells joined into one stand: the span of their positions."""
    loc = cells[0].loc
    for c in cells[1:]:
        loc = loc.merge(c.loc)
    return loc


_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def _block_reads() -> tuple[re.Pattern | None, dict[str, str]]:
    """Four-character vocabulary words as a copy prints them when a narrow cell holds them two characters a
    line ('产出' over '指标') and its text is read column by column: right column first ('出标产指') or left
    first ('产指出标'). Spellings that are words themselves are left out. A 指标性质 cell is as narrow: its words
    too ('性标定指' for 定性指标)."""
    words = {w for w in (*_vocabulary_words()[0], *lexicon().nature_words) if len(w) == 4 and _CJK_WORD.fullmatch(w)}
    reads: dict[str, str] = {}
    for w in words:
        for r in (w[1] + w[3] + w[0] + w[2], w[0] + w[2] + w[1] + w[3]):
            if r != w and r not in words:
                reads.setdefault(r, w)
    pat = re.compile("|".join(map(re.escape, sorted(reads)))) if reads else None
    return pat, reads


def unscramble_blocks(text: str) -> str:
    """A glued line with the column-read spellings of vocabulary words put back ('出标产指25' -> '产出指标25').
    Same length, so positions hold."""
    pat, reads = _block_reads()
    return pat.sub(lambda m: reads[m.group()], text) if pat else text


_POINTS = r"(?:[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）])?"  # a label's points in brackets: '(40分)'
_SCORE_PART = re.compile(r"\s*" + _POINTS)


def _unscrambled_cell(cell: Cell) -> Cell:
    """A cell holding only a column-read label (and perhaps its score part: '出标产指(40分)'), put back."""
    _, reads = _block_reads()
    t = cell.text.strip()
    # (every column-read spelling is four characters: a look-up of the first four, not the pattern, for each cell)
    if t[:4] not in reads or not _SCORE_PART.fullmatch(t[4:]):
        return cell
    return Cell(unscramble_blocks(cell.text), cell.loc, cell.glued)


def unscramble_cells(rows: list[Row]) -> list[Row]:
    """Every cell that holds only a column-read label put back, in any layout (a grid's header cell
    '级标三指', a level cell '出标产指(40分)'); glued lines are put back as they are cut (unglue)."""
    out = []
    for r in rows:
        cells = [_unscrambled_cell(c) for c in r.cells]
        out.append(r if all(a is b for a, b in zip(cells, r.cells)) else Row(cells=cells, loc=r.loc, table=r.table))
    return out


def unglue(rows: list[Row], s: CutSettings = SETTINGS) -> list[Row]:
    out = []
    for row in (_rejoined(r, s) for r in rows):
        if any(is_glued(c.text, s) for c in row.cells):
            cells = [Cell(t, c.loc, glued=True) if is_glued(c.text, s) else c
                     for c in row.cells
                     for t in (split_glued(unscramble_blocks(unwrap(c.text))) if is_glued(c.text, s) else [c.text])]
            out.append(Row(cells=cells, loc=row.loc, table=None))
        else:
            out.append(row)
    return out


@lru_cache(maxsize=1)
def _level_prefix() -> re.Pattern:
    """Level labels at the start of a cell, each possibly broken by one wrap space ('产出 指标', '数量 指标'):
    only the labels that end in 指标, so a name that merely starts with a level's topic ('服务对象满意度',
    '成本节约率') is never cut."""
    lx = lexicon()

    def alt(words) -> str:
        labels = sorted({w for w in words if w.endswith("指标") and len(w) > 2}, key=len, reverse=True)
        return "|".join(r"\s?".join(map(re.escape, w)) for w in labels)

    points = _POINTS  # a level-1 label may carry its points: '产出指标(50分)'
    # the name after the labels: two characters at least ('服务对象满意度指标等' is one label with its 等)
    return re.compile(rf"^\s*(?:((?:{alt(lx.level1_names)}){points})\s*)?(?:({alt(lx.level2_words)})\s*)?"
                      rf"(?=[\u4e00-\u9fff“\"「][^\s]+)")


def split_level_prefix(rows: list[Row]) -> list[Row]:
    """Cells whose level labels ran into the indicator's name: DOCX/XLSX copies glue a level cell wrapped
    before its 指标 to the next cell ('产出 指标数量 指标保障在职人员人数'); the labels become cells of their own
    ('产出指标', '数量指标', '保障在职人员人数'), at the cell's position, so the decoder sees the row's columns."""
    pat = _level_prefix()
    out = []
    for row in rows:
        cells: list[Cell] = []
        for c in row.cells:
            m = pat.match(c.text)
            if not m or not (m.group(1) or m.group(2)):
                cells.append(c)
                continue
            cells += [Cell(re.sub(r"\s", "", g), c.loc, c.glued) for g in m.groups() if g]
            cells.append(Cell(c.text[m.end():], c.loc, c.glued))
        out.append(row if len(cells) == len(row.cells) else Row(cells=cells, loc=row.loc, table=row.table))
    return out


def _spaces_in_words(text: str) -> tuple[int, int]:
    """(vocabulary words a wrap space falls inside, vocabulary words a space stands beside) of one text."""
    at = []  # the joined text's positions where a space stood
    removed = 0
    for m in _WRAP_SPACE.finditer(text):
        at.append(m.start() - removed)
        removed += m.end() - m.start()
    if not at:
        return 0, 0
    joined = _WRAP_SPACE.sub("", text)
    inside = beside = 0
    for m in _vocabulary()[0].finditer(joined):
        if any(m.start() < p < m.end() for p in at):
            inside += 1
        elif m.start() in at or m.end() in at:
            beside += 1
    return inside, beside


def wrapped_copy(rows: list[Row], s: CutSettings = SETTINGS) -> bool:
    """Is this a copy that kept Word's wrap spaces inside the words of its cells ('年初预算 数全年预算 数',
    '财 政拨款'), whether the reader cut its lines there or not? Across the document the spaces fall inside
    vocabulary words more often than beside them; a copy whose spaces separate cells ('一级指标 二级指标
    年度指标值') has them beside its words instead."""
    inside = beside = 0
    for r in rows:
        i, b = _spaces_in_words(" ".join(c.text.strip() for c in r.cells if c.text.strip()))
        inside, beside = inside + i, beside + b
    return inside >= s.wrapped_words and inside > beside


def unwrap_rows(rows: list[Row]) -> list[Row]:
    """A wrapped copy's lines without their wrap spaces: pieces a reader cut there are one text again."""
    out = []
    for r in rows:
        texts = [c.text.strip() for c in r.cells if c.text.strip()]
        joined = " ".join(texts)
        if not _WRAP_SPACE.search(joined):
            out.append(r)
            continue
        out.append(Row(cells=[Cell(unwrap(joined), _cells_loc(r.cells), any(c.glued for c in r.cells))],
                       loc=r.loc, table=r.table))
    return out
