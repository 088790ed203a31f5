"""Domain wording lives in etl/lexicon.toml, not in the parser's code (issue 17).

Every Chinese string literal left in etl/parse/ (docstrings aside) is counted; the count may only fall.
Messages a user reads (notes such as 未找到标题) are counted too: they are few, and keeping the ceiling
honest is simpler than telling a message from a pattern. When you move wording into the lexicon, lower
CEILING to the new count; when a change needs a new word, put it in the lexicon instead.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

PARSE = Path(__file__).resolve().parent.parent / "etl" / "parse"
HAN = re.compile(r"[\u4e00-\u9fff]")
CEILING = 143


def han_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and HAN.search(n.value) and id(n) not in docs]


def test_chinese_wording_in_the_parsers_code_does_not_grow():
    found = {p.name: han_literals(p) for p in sorted(PARSE.glob("*.py"))}
    total = sum(map(len, found.values()))
    listing = "\n".join(f"{name}:{line}: {text[:40]!r}" for name, lits in found.items() for line, text in lits)
    assert total <= CEILING, f"{total} Chinese literals in etl/parse (ceiling {CEILING}); move wording to the lexicon:\n{listing}"


def test_the_counter_sees_a_pattern_and_not_a_docstring(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""模块说明"""\nimport re\nX = re.compile(r"^年初(预算)?数?")\n\ndef g():\n    """函数说明"""\n    return "万元"\n',
                 encoding="utf-8")
    assert [t for _, t in han_literals(f)] == ["^年初(预算)?数?", "万元"]
