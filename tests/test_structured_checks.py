"""A bulk export's checks: the row rules judge each distinct row once, and give the very findings the per-filing
path gives. The filings are made up: rule examples, and an export whose projects repeat the same rows."""
from __future__ import annotations

import copy

import pytest

from etl.check import REGISTRY, derive, derive_many, run_checks
from etl.check.examples import EXAMPLES
from etl.check.run import _Rows
from etl.records import Filing, Indicator
from etl.structured import read_export
from tests.structured_files import EVAL_EXTRA, EVAL_HEADER, ROWS, csv_bytes

ROW_RULES = [r for r in REGISTRY.values() if r.rows]


def _key(x):
    return (x.rule, x.family, x.severity, x.indicator_seq, x.filing_id, x.message, x.evidence)


def _examples() -> list[Filing]:
    out = []
    for name in sorted({r.example for r in REGISTRY.values() if r.example}):
        got = EXAMPLES[name]()
        out.extend(got if isinstance(got, list) else [got])
    for k, f in enumerate(out):
        f.filing_id = f"ex-{k:03d}"
    return out


def _repeated_rows() -> list[Filing]:
    """Projects of one department that repeat each other's rows, in target tables and self-evaluations alike (the
    same row is judged otherwise in each: an actual is only judged in a self-evaluation)."""
    rows = [
        ("产出指标", "数量指标", "培训人次", "≥300人次", "280人次", 20.0, 20.0, None),
        ("产出指标", "质量指标", "验收合格率", "100%", "100%", 20.0, 18.0, None),
        ("效益指标", "社会效益指标", "群众生活水平", "明显提高", "有所提高", 30.0, 30.0, "无"),
        ("成本指标", "经济成本指标", "亩均成本", "≤95%", "90%", 10.0, 10.0, ""),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "120%", 20.0, 20.0, "按时完成"),
    ]
    out = []
    for p in range(12):
        kind = "project_self_eval" if p % 2 else "project_target"
        # the very same rows in both kinds (a target table's actual is not judged: the row's kind is part of it)
        inds = [Indicator(seq=k, level1=a, level2=b, name=n, target=t, actual=u, weight=w, score=s, reason=r)
                for k, (a, b, n, t, u, w, s, r) in enumerate(rows[p % 3:] + rows[:p % 3], start=1)]
        out.append(Filing(doc_kind=kind, project=f"示范项目{p}", department="示范局", year=2023, indicators=inds,
                          filing_id=f"rep-{p:02d}"))
    return out


def _repeating_export() -> bytes:
    """The made-up export, and its first project again under another code: the same cells on other rows."""
    rows = [r + e for r, e in zip(ROWS, EVAL_EXTRA)]
    again = [r[:4] + ["000012345678901239999", "乡村学校课桌椅更新项目（二期）"] + r[6:] for r in rows[:3]]
    return csv_bytes(EVAL_HEADER, rows + again)


def _export_filings() -> list[Filing]:
    data = _repeating_export()
    filings = read_export(data, "导出.csv").filings
    for f in filings:
        f.filing_id = f"csv-{f.part_index:02d}"
    return filings


@pytest.mark.parametrize("make", [_examples, _repeated_rows, _export_filings])
def test_bulk_checks_give_the_per_filing_findings(make):
    filings = make()
    direct = [[_key(x) for x in run_checks(copy.deepcopy(f))] for f in filings]
    memo: dict = {}
    once = [[_key(x) for x in derive(f, bands=False, rows_memo=memo)[0]] for f in copy.deepcopy(filings)]
    # the memo filled by every filing, then each filing again: every row answered from it
    again = [[_key(x) for x in found] for found, *_ in derive_many(copy.deepcopy(filings), memo)]
    assert once == direct
    assert again == direct
    assert any(direct)


def test_repeated_rows_are_judged_once():
    filings = _repeated_rows()
    memo: dict = {}
    for f in filings:
        run_checks(f, rows_memo=memo)
    distinct = {(f.doc_kind, i.seq, i.name) for f in filings for i in f.indicators}
    assert sum(len(m) for m in memo.values()) == len(distinct) < sum(len(f.indicators) for f in filings)


@pytest.mark.parametrize("rule_id", sorted(r.id for r in ROW_RULES))
def test_a_row_rule_reads_nothing_of_the_filing_but_its_kind_and_rows(rule_id):
    """A row rule's answer is kept per row: were it to read the filing's other fields (its year, its totals), two
    filings with the same row could need two answers. Run over only the kind and the rows, it must give what it gives
    over the whole filing, and only on rows."""
    r = REGISTRY[rule_id]
    for f in _examples() + _repeated_rows():
        whole = list(r.fn(f, _ctx(f)) or ())
        rows = list(r.fn(_Rows(f.doc_kind, f.indicators), _ctx(f)) or ())
        assert rows == whole
        assert all(seq in {i.seq for i in f.indicators} for seq, _, _ in rows)


def _ctx(f):
    from etl.check.run import Context
    from etl.check.settings import load_settings

    return Context(load_settings().for_filing(f))


def test_an_export_repeating_its_cells_gives_each_row_its_own_measure():
    inds = [i for f in read_export(_repeating_export(), "导出.csv").filings for i in f.indicators]
    same = [(a, b) for a in inds for b in inds if a is not b and a.target == b.target and a.target_m is not None]
    assert same
    for a, b in same:
        assert a.target_m == b.target_m and a.target_m is not b.target_m
