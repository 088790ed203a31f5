"""Traditional -> simplified for identity keys: the quick path gives opencc's own answer on every text."""
from __future__ import annotations

import random

from etl.measures import fold_key
from etl.normalise.script import t2s, t2s_convert


def test_t2s_convert_is_opencc_on_invented_text():
    conv = t2s()
    rng = random.Random(19)
    # traditional words and characters, simplified ones, digits, ASCII and punctuation, mixed at random
    parts = ["項目", "績效", "評價", "滿意度", "資金", "乾淨", "頭髮", "示范", "项目", "教育局", "群众", "满意度", "发展",
             "干部", "0", "12", "abc", "，", "。", "（", "）", " ", "县", "縣", "後", "后", "著", "面"]
    texts = ["", "示范项目00012", "受天气影响进度滞后，下年度加强调度", "示範項目", "頭髮乾了"]
    texts += ["".join(rng.choice(parts) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for text in texts:
        assert t2s_convert(text) == conv.convert(text), text


def test_fold_key_folds_traditional_names():
    assert fold_key("示範項目（一期）") == fold_key("示范项目(一期)") == "示范项目一期"
