"""Frequent words of free text (jieba), with the filler words of the genre left out."""
from __future__ import annotations

import logging
from collections import Counter

import streamlit as st

from dashboard.db import db_version
from dashboard.queries import FileQueries
from etl.lexicon import lexicon

PLACEHOLDERS = {""} | set(lexicon().reason_placeholders)  # defined once, in etl/lexicon.toml
_AROUND = " 　。." + "".join(lexicon().blank_marks)  # white space, full stops and blank marks around one

STOP = set("""的 了 和 与 及 等 在 是 为 对 将 由 于 中 有 无 未 不 已 按 年 月 日 我 我们 本 该 其 此 并 但 也 都 而 或 把 被
从 到 以 因 因为 所以 由于 导致 造成 进行 加强 进一步 工作 项目 情况 相关 部分 存在 问题 原因 措施 改进 一是 二是 三是
方面 做好 确保 今后 下一步 继续 及时 严格 根据 通过 其中 主要 目前 方面 以及 达到 完成 实际 指标 预期 没有 影响
一步 暂无 不涉及 无无 同时 需要 有关 一定 较为 比较 全年 本年 年度""".split())


def _placeholder(text: str) -> bool:
    """'无', '暂无', '/' written in the reason cell say nothing; their words would top the list."""
    return text.strip(_AROUND) in PLACEHOLDERS


@st.cache_resource(show_spinner=False)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def top_words(qs: FileQueries, f, n: int = 30) -> list[tuple[str, int]]:
    """Cached per database version and filter: tokenising is the slow part, not the query."""
    return _top_words(str(qs.db), db_version(qs.db), repr(f), n, _qs=qs, _f=f)


@st.cache_data(show_spinner=False, max_entries=200)
def _top_words(db_key: str, version: tuple, f_key: str, n: int, _qs=None, _f=None) -> list[tuple[str, int]]:
    df = _qs.reason_texts(_f)
    return count_words(list(zip(df["reason"], df["n"])), n)


def count_words(texts: list[tuple[str, int]], n: int = 30) -> list[tuple[str, int]]:
    """Word counts over (text, times the text occurs) pairs."""
    jieba = _jieba()
    counts: Counter = Counter()
    for text, times in texts:
        if _placeholder(text):
            continue
        for w in jieba.lcut(text):
            w = w.strip()
            if len(w) >= 2 and w not in STOP and not w.replace(".", "").isdigit():
                counts[w] += int(times)
    return counts.most_common(n)
