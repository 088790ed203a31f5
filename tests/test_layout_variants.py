"""The same filing copied into every text layout the web produces parses to the same rows.

Each seed is re-laid from its cells: one cell per line with blank lines
between, pipe rows, space-separated rows, and everything flattened onto one
line. Positions are lost in all four, so this exercises the reading by meaning.
"""
from __future__ import annotations

import pytest

from etl.parse import parse_document
from etl.read import read_bytes, read_path
from tests.conftest import SEED_000, SEED_003

FIELDS = ("doc_kind", "department", "unit", "project", "year", "county", "budget_initial", "budget_adjusted",
          "budget_executed", "exec_rate_reported", "exec_weight", "exec_score", "total_weight", "total_score")
ROW = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")


def relay(path, layout: str) -> str:
    rows = [[c.text.strip() for c in r.cells] for r in read_path(path).rows]
    if layout == "lines":
        return "\n\n".join(c for r in rows for c in r if c)
    if layout == "pipe":
        return "\n".join("| " + " | ".join(r) + " |" for r in rows)
    if layout == "spaced":
        return "\n".join(" ".join(c.replace(" ", "") for c in r if c) for r in rows)
    return " ".join(c.replace(" ", "") for r in rows for c in r if c)  # flattened


def summary(filings):
    return [
        (tuple(getattr(f, k) for k in FIELDS), [tuple(getattr(i, k) for k in ROW) for i in f.indicators])
        for f in filings
    ]


@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["seed000", "seed003"])
@pytest.mark.parametrize("layout", ["lines", "pipe", "spaced", "flattened"])
def test_seed_in_another_layout_parses_the_same(seed, layout):
    original = parse_document(read_path(seed))
    doc = read_bytes(relay(seed, layout).encode("utf-8"), f"{layout}.txt")
    assert doc.layout not in ("tabbed", "tab_cells")  # really read as a stream
    copy = parse_document(doc)
    # the reports' prose and the target tables' rows must survive; names may differ only in spaces
    got = [(meta, [tuple(str(v).replace(" ", "") if isinstance(v, str) else v for v in r) for r in rows])
           for meta, rows in summary(copy)]
    want = [(meta, [tuple(str(v).replace(" ", "") if isinstance(v, str) else v for v in r) for r in rows])
            for meta, rows in summary(original)]
    assert got == want


@pytest.mark.parametrize("layout", ["lines", "pipe", "spaced", "flattened"])
def test_generated_filings_re_laid_as_web_copies_round_trip(tmp_path, layout):
    import hashlib
    import json

    from etl.pipeline import ingest_paths
    from etl.sample.truth_compare import compare
    from etl.sample.generate import generate_corpus

    src, out = tmp_path / "src", tmp_path / layout
    generate_corpus(src, seed=21, counties=1, departments_per_county=3, years=(2022,), formats=("txt",))
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    out.mkdir()
    for f in manifest["files"]:
        data = relay(src / f["file"], layout).encode("utf-8")
        (out / f["file"]).write_bytes(data)
        f["sha256"] = hashlib.sha256(data).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert ingest_paths([out], tmp_path / "db.duckdb").failed == 0
    rt = compare(out, tmp_path / "db.duckdb")
    assert rt.filings_found == rt.filings_expected
    assert rt.share >= 0.995, rt.misses[:10]


def _as_table_file(path, fmt: str) -> bytes:
    """The seed's rows as a real table in another format: paragraphs between tables stay paragraphs."""
    import html as html_lib
    import io

    rows = read_path(path).rows
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        for r in rows:
            ws.append([c.text for c in r.cells])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if fmt == "html":
        parts, table = ["<html><head><meta charset='utf-8'></head><body>"], None
        for r in rows:
            if r.table != table:
                if table is not None:
                    parts.append("</table>")
                if r.table is not None:
                    parts.append("<table border='1'>")
                table = r.table
            cells = "".join(f"<td>{html_lib.escape(c.text)}</td>" for c in r.cells)
            parts.append(f"<tr>{cells}</tr>" if r.table is not None else f"<p>{html_lib.escape(r.cells[0].text)}</p>")
        parts.append("</table></body></html>" if table is not None else "</body></html>")
        return "".join(parts).encode("utf-8")
    from docx import Document as Docx

    d = Docx()
    block: list = []

    def flush():
        if block:
            width = max(len(r.cells) for r in block)
            t = d.add_table(rows=len(block), cols=width)
            for i, r in enumerate(block):
                for j, c in enumerate(r.cells):
                    t.cell(i, j).text = c.text
            block.clear()

    for r in rows:
        if r.table is None:
            flush()
            d.add_paragraph(r.cells[0].text)
        else:
            if block and block[-1].table != r.table:
                flush()
            block.append(r)
    flush()
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["seed000", "seed003"])
@pytest.mark.parametrize("fmt", ["xlsx", "html", "docx"])
def test_seed_as_a_real_table_parses_the_same(seed, fmt):
    original = parse_document(read_path(seed))
    copy = parse_document(read_bytes(_as_table_file(seed, fmt), f"copy.{fmt}"))
    assert summary(copy) == summary(original)


@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["seed000", "seed003"])
def test_seed_saved_as_csv_parses_the_same(seed):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    previous = None
    for r in read_path(seed).rows:
        if r.table is None or r.table != previous:
            writer.writerow([])  # a blank line between tables and paragraphs, as spreadsheets save them
        writer.writerow([c.text for c in r.cells])
        previous = r.table
    original = parse_document(read_path(seed))
    copy = parse_document(read_bytes(buf.getvalue().encode("utf-8-sig"), "copy.csv"))
    assert summary(copy) == summary(original)


def test_space_separated_rows_under_levels_printed_a_character_a_line():
    # a short self-evaluation whose level labels stand one character a line: those lines outnumber the rows,
    # and must not outvote the spaces between the rows' cells (the table was read as zero rows)
    levels = lambda word: [ch for ch in word]  # noqa: E731
    lines = ["示例县2022年度乡村道路养护项目支出绩效自评表", "项目名称 乡村道路养护",
             "项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
             "年度资金总额 120 120 114 10 95% 9.5",
             "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
             *levels("产出指标"), *levels("数量指标"), "养护道路里程 ≥85公里 88公里 20 20",
             *levels("质量指标"), "养护合格率 ≥95% 97% 20 20",
             *levels("效益指标"), *levels("社会效益指标"), "群众出行时间缩短 ≥10% 12% 30 30",
             *levels("满意度指标"), "群众满意度 ≥90% 93% 20 20"]
    (f,) = parse_document(read_bytes("\n".join(lines).encode("utf-8"), "copy.txt"))
    assert [(i.level2, i.name, i.target, i.actual, i.score) for i in f.indicators] == [
        ("数量指标", "养护道路里程", "≥85公里", "88公里", 20), ("质量指标", "养护合格率", "≥95%", "97%", 20),
        ("社会效益指标", "群众出行时间缩短", "≥10%", "12%", 30), ("满意度指标", "群众满意度", "≥90%", "93%", 20)]
    assert (f.budget_adjusted, f.budget_executed) == (120, 114)
