"""The frequent-words chart counts what reasons say, not their filler or placeholders."""
from __future__ import annotations

from dashboard.words import count_words


def test_placeholder_reasons_and_filler_words_are_not_counted():
    words = dict(count_words([
        ("暂无", 40),
        ("/", 12),
        ("受疫情影响，项目进度滞后，下一步加快进度", 3),
        ("资金下达较晚，导致支付进度滞后", 2),
    ]))
    assert words["滞后"] == 5
    assert words["进度"] >= 5
    assert "暂无" not in words and "一步" not in words and "下一步" not in words
