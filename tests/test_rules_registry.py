"""The registry: every rule is documented, fires on its real example, and speaks Chinese."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl.check import FAMILIES, REGISTRY, SEVERITIES, corpus_findings, run_checks
from etl.check.examples import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]


def test_rule_ids_families_severities():
    assert len(REGISTRY) >= 40
    for rid, r in REGISTRY.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", rid)
        assert r.family in FAMILIES and r.severity in SEVERITIES
        assert re.search(r"[\u4e00-\u9fff]", r.title)
        assert r.example in EXAMPLES, rid
    assert {r.family for r in REGISTRY.values()} >= {"vague", "scoring", "reason", "category", "numbers",
                                                     "copying", "template", "parse"}


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_each_rule_fires_on_its_example_with_a_chinese_message(rule_id):
    r = REGISTRY[rule_id]
    ex = EXAMPLES[r.example]()
    found = corpus_findings(ex) if r.scope == "corpus" else run_checks(ex)
    hits = [f for f in found if f.rule == rule_id]
    assert hits, f"{rule_id} gives nothing on {r.example}"
    for h in hits:
        assert h.family == r.family and h.severity == r.severity
        assert re.search(r"[\u4e00-\u9fff]{4}", h.message)
        assert h.evidence


def test_docs_are_generated_from_the_registry(tmp_path):
    out = tmp_path / "rules.md"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rules_doc.py"), str(out)], check=True,
                   capture_output=True)
    text = out.read_text(encoding="utf-8")
    for rid in REGISTRY:
        assert f"### `{rid}`" in text
    assert "the example gives no finding" not in text
    committed = ROOT / "docs" / "rules.md"
    assert committed.read_text(encoding="utf-8") == text, "docs/rules.md is stale: run scripts/gen_rules_doc.py"
