"""The per-file step both engines run: one input file -> its filings, findings and metrics, or its failure.

    result, loaded = process(path, name, sha, is_sample)   # never raises for a bad file

`analyse()` reads, parses and checks one file's bytes (no database involved) into a
`store.LoadedFile`, the rows the writer stores; `process()` wraps it with the file's
read under the budgets and turns any failure into the file's result with a reason that
names it. The local engine runs `process` in its worker processes (etl/pipeline.py),
the Ray engine in its tasks (etl/lake/batch.py): both store the very same rows.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from etl import check
from etl.inputs import read_regular
from etl.load import store
from etl.normalise.place import find_place
from etl.normalise.script import fold_script
from etl.parse import parse_document
from etl.read import read_bytes
from etl.records import Finding, ReadError


@dataclass
class FileResult:
    source_file: str
    path: str
    sha256: str | None
    status: str  # loaded, duplicate, failed
    error: str | None = None
    filings: int = 0
    seconds: float = 0.0


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interrupted: bool = False
    copies_refreshed: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def loaded(self) -> int:
        return self.count("loaded")

    @property
    def duplicate(self) -> int:
        return self.count("duplicate")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def filings(self) -> int:
        return sum(r.filings for r in self.results)


def filing_id(sha: str, part: int) -> str:
    return f"{sha[:16]}-{part:02d}"


def analyse(data: bytes, name: str, is_sample: bool = False) -> store.LoadedFile:
    """Read, parse and check one file's bytes (no database involved)."""
    sha = hashlib.sha256(data).hexdigest()
    doc = read_bytes(data, name)
    filings = parse_document(doc)
    if not filings:
        raise ReadError("没有找到绩效文件的内容（未识别到绩效目标表、自评表或自评报告）")
    findings: list[Finding] = []
    metrics: list[dict] = []
    reasons: list[tuple[str, int, str]] = []
    bands: list[tuple[str, int, int]] = []
    for f in filings:
        f.source_file = name
        f.source_sha256 = sha
        f.filing_id = filing_id(sha, f.part_index)
        try:
            found = check.run_checks(f)
            m = check.filing_metrics(f, found)
            cats = [(ind.seq, check.classify_reason(ind.reason)) for ind in f.indicators]
            fb = check.filing_bands(f)  # the map step of the copy check (grouped by band after ingest)
        except Exception as exc:  # a bug in a rule must not cost the user the filing
            found = [Finding("CHECK_CRASHED", "parse", "error", f"检查规则运行出错，本文件的检查结果不完整：{type(exc).__name__}: {exc}")]
            m, cats, fb = {}, [], []  # no bands: the copy refresh computes them from the stored rows
        for x in found:
            x.filing_id = f.filing_id
        findings.extend(found)
        if m:
            m["filing_id"] = f.filing_id
            metrics.append(m)
        reasons.extend((f.filing_id, seq, cat) for seq, cat in cats if cat)
        bands.extend(fb)
    return store.LoadedFile(
        source_file=name, sha256=sha, fmt=doc.fmt, layout=doc.layout, size=len(data), is_sample=is_sample,
        filings=filings, findings=findings, metrics=metrics, reasons=reasons, bands=bands,
    )


def plain_error(exc: Exception) -> str:
    """A file's failure as the log says it (Chinese, without a traceback)."""
    if isinstance(exc, ReadError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法解析"
    return f"解析出错（{type(exc).__name__}）：{exc}"


def process(path: str, name: str, sha: str | None, is_sample: bool) -> tuple[FileResult, store.LoadedFile | None]:
    """Read one file (a regular file, under the size cap) and analyse it. Never raises but for MemoryError:
    a worker process reports that as its memory limit, a Ray task as the file's failure."""
    started = time.perf_counter()
    result = FileResult(source_file=name, path=path, sha256=sha, status="pending")
    lf = None
    try:
        lf = analyse(read_regular(Path(path)), name, is_sample=is_sample)
    except MemoryError:
        raise
    except Exception as exc:  # any failure of one file is that file's result, not the batch's
        if (isinstance(exc.__context__, MemoryError) or isinstance(exc.__cause__, MemoryError)
                or "Memory allocation failed" in str(exc)):  # lxml's words for malloc failing
            raise MemoryError from None  # a reader wrapped it: still the memory limit
        result.status = "failed"
        result.error = f"{name}: {plain_error(exc)}"
    result.seconds = time.perf_counter() - started
    return result, lf


def warm_up() -> None:
    """Load the tables every analysis loads on first use (gazetteer ~90 ms, script table, settings) once,
    before the local engine forks its workers: each starts with them instead of building its own."""
    find_place(None)
    fold_script("")
    check.load_settings()
