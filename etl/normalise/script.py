"""Script and mirror-site noise: traditional characters, pinyin glosses.

Matching the fixed vocabulary (一級指標, 產出指標, 項目名稱) and the gazetteer needs
simplified text, so a document found to be traditional is parsed converted.
What is stored stays as printed (the contract): `PrintedText` maps a value
read from the converted text back to the characters the filing printed.
Comparisons fold script per character (`fold_script`), which is cheap.

Some mirror sites insert a pinyin gloss after each hard character
(`當(dāng)前位置`); the glosses are not part of the text and are removed.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import opencc  # opencc-python-reimplemented: pure Python, ships its dictionaries

from etl.records import Cell, Document, Row

_CJK = re.compile(r"[\u4e00-\u9fff]")
# A gloss: lower-case pinyin with tone marks (or tone digits) in brackets, right after a CJK character.
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?)[)）]")
_TONE = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ1-5]")
MIN_GLOSSES = 3  # fewer tone-marked glosses than this in a document: a real bracket, leave it


@lru_cache(maxsize=1)
def t2s():
    """opencc's traditional -> simplified converter (built once: its dictionaries take a moment to load)."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _keys_by_first() -> dict[str, tuple[str, ...]]:
    """Every key of the t2s converter's dictionaries, by its first character."""
    out: dict[str, list[str]] = {}

    def walk(chain):
        for item in chain:
            if isinstance(item, list):  # a group of dictionaries
                walk(item)
            else:  # (longest key, shortest key, key -> value)
                for key in item[2]:
                    out.setdefault(key[0], []).append(key)

    conv = t2s()
    conv.convert("")  # (its dictionaries are read on first use)
    walk(conv._dict_chain_data)
    return {ch: tuple(keys) for ch, keys in out.items()}


def t2s_convert(text: str) -> str:
    """opencc's t2s conversion of `text`. A text in which no key of its dictionaries occurs is given back
    as it is without running the converter (its phrase matching costs ~70 us a text): opencc only
    ever replaces a key it finds, so that is exactly what it would return."""
    keys = _keys_by_first()
    for i, ch in enumerate(text):
        got = keys.get(ch)
        if got is not None and any(text.startswith(k, i) for k in got):
            return t2s().convert(text)
    return text


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """Single traditional character -> its first simplified form (opencc's own table)."""
    table = {}
    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1:
                table[ord(parts[0])] = target
    return table


def fold_script(text: str) -> str:
    """Per-character traditional -> simplified, for comparisons only (never for storage)."""
    return text.translate(_char_table())


def is_traditional(text: str, min_share: float = 0.02, min_chars: int = 5) -> bool:
    sample = "".join(_CJK.findall(text))[:4000]
    if not sample:
        return False
    # per character, with opencc's own table: as good a test as converting phrases, and far cheaper
    changed = sum(1 for a, b in zip(sample, fold_script(sample)) if a != b)
    return changed >= min_chars and changed / len(sample) >= min_share


def strip_glosses(doc: Document) -> Document:
    """Remove pinyin glosses a mirror site inserted after characters, when the page has them."""
    texts = [c.text for r in doc.rows for c in r.cells]
    found = sum(1 for t in texts for m in _GLOSS.finditer(t) if _TONE.search(m.group(1)))
    if found < MIN_GLOSSES:
        return doc
    rows = [Row(cells=[Cell(_GLOSS.sub("", c.text), c.loc) for c in r.cells], loc=r.loc, table=r.table) for r in doc.rows]
    return replace(doc, rows=rows, warnings=doc.warnings + ["原文在字后插入了拼音注音，已去除"])


class PrintedText:
    """Maps text read from the converted (simplified) document back to what was printed."""

    def __init__(self, printed: Document | None, converted: Document | None):
        self.active = printed is not None and converted is not None
        if not self.active:
            return
        conv, orig = [], []
        for pr, cr in zip(printed.rows, converted.rows):
            for pc, cc in zip(pr.cells, cr.cells):
                if len(pc.text) == len(cc.text):  # phrase conversions that change length are left as converted
                    conv.append(cc.text)
                    orig.append(pc.text)
        # white space is dropped from both sides, so a value joined across a line break still maps
        self._conv, self._orig = [], []
        for c, o in zip(conv, orig):
            for a, b in zip(c, o):
                if not a.isspace():
                    self._conv.append(a)
                    self._orig.append(b)
            self._conv.append("\n")
            self._orig.append("\n")
        self._conv_text = "".join(self._conv)

    def __call__(self, value: str | None) -> str | None:
        if not self.active or not value or not _CJK.search(value):
            return value
        key = re.sub(r"\s+", "", value)
        at = self._conv_text.find(key)
        if at < 0:
            return value
        printed = "".join(self._orig[at: at + len(key)])
        # put back the value's own spacing
        out, k = [], 0
        for ch in value:
            if ch.isspace():
                out.append(ch)
            else:
                out.append(printed[k])
                k += 1
        return "".join(out)


def to_simplified(doc: Document) -> Document:
    """The document with simplified text if it was printed in traditional script, else itself."""
    text = "".join(c.text for r in doc.rows for c in r.cells)
    if not is_traditional(text):
        return doc
    convert = t2s().convert
    rows = [Row(cells=[Cell(convert(c.text), c.loc) for c in r.cells], loc=r.loc, table=r.table) for r in doc.rows]
    return replace(doc, rows=rows, warnings=doc.warnings + ["原文为繁体字，已按简体字解析，存储的文字保持原样"])
