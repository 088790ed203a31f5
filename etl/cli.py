"""The `jixiao` command line.

    jixiao ingest PATH [PATH ...] --db FILE   load filings (files or folders)
    jixiao check --db FILE                    re-run every rule over a database
    jixiao sample DIR                         write the synthetic sample corpus
    jixiao info --db FILE                     what a database holds
    jixiao score --labels DIR --db FILE       how much of hand-labelled filings was read right
    jixiao parse FILE [--explain]             read one file and show how every row was read
    jixiao report --db FILE --county X --year N --out report.pdf   printable PDF report
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

DEFAULT_DB = Path("data/jixiao.duckdb")

app = typer.Typer(add_completion=False, no_args_is_help=True, help="jixiao: 预算绩效文件的离线抽取、检查与分析")
console = Console(stderr=True)


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="files or folders (folders are searched recursively)"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file to load into (created if missing)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    sample: Optional[bool] = typer.Option(None, "--sample/--no-sample", help="mark the files as synthetic sample data (default: by the sample_ file-name prefix)"),
) -> None:
    """Load every filing found under PATHS into the database."""
    from etl.pipeline import discover, ingest_paths

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        console.print(f"[red]找不到路径[/red]: {p}")
    files = discover([p for p in paths if p.exists()])
    with Progress(
        TextColumn("[bold]导入[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"), console=console, disable=quiet, transient=False,
    ) as bar:
        task = bar.add_task("ingest", total=len(files), current="")

        def on_file(done, total, result):
            bar.update(task, completed=done, current=result.source_file[:40])
            if result.status == "failed":
                bar.console.print(f"[red]失败[/red] {result.error}")

        summary = ingest_paths([p for p in paths if p.exists()], db, progress=on_file, is_sample=sample)
    failed = summary.failed + len(missing)
    typer.echo(
        f"loaded {summary.loaded}, duplicate {summary.duplicate}, failed {failed} "
        f"({summary.filings} filings) -> {db}"
    )
    raise typer.Exit(code=1 if failed else 0)


@app.command()
def check(db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file")) -> None:
    """Re-run every rule over the database (after rules or settings changed)."""
    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    from etl.recheck import recheck

    n_filings, n_findings = recheck(db)
    typer.echo(f"checked {n_filings} filings, {n_findings} findings -> {db}")


@app.command()
def sample(
    out: Path = typer.Argument(Path("data/sample"), help="folder to write the corpus into"),
    seed: int = typer.Option(2024, help="random seed (same seed, same bytes)"),
) -> None:
    """Write the synthetic sample corpus (clearly marked 示例数据) and its manifest, and the multi-year
    series with planted soft targets in DIR/series."""
    from etl.sample.generate import generate_corpus
    from etl.sample.series import write_series

    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        typer.echo(f"sample corpus already in {out}")
    else:
        manifest = generate_corpus(out, seed=seed)
        typer.echo(f"sample corpus written to {out}: {manifest.counts['files']} files, {manifest.counts['filings']} filings")
    # multi-year project series with planted soft targets (their own manifest, in a folder of their own)
    if not (out / "series" / "manifest.json").exists():
        series = write_series(out / "series")
        typer.echo(f"soft-target series written to {out / 'series'}: {len(series['files'])} files")


@app.command()
def info(db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file")) -> None:
    """Counts of what the database holds."""
    from etl.load.store import connect

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    con = connect(db, read_only=True)
    try:
        for table in ("source_files", "filings", "indicators", "findings", "ingest_log"):
            n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # table names are our own constants
            typer.echo(f"{table}: {n}")
    finally:
        con.close()


@app.command()
def score(
    labels: Path = typer.Option(..., "--labels", help="folder of label files (*.json, searched recursively)"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file the labelled files were ingested into"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="list what differed, label by label"),
) -> None:
    """Score the database against hand-made labels (format: tests/data/real/LABELS.md)."""
    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    if not labels.is_dir():
        console.print(f"[red]找不到标注文件夹[/red]: {labels}")
        raise typer.Exit(code=1)
    from etl.eval.score import score_db

    result = score_db(labels, db)
    if verbose:
        for s in result.labels:
            typer.echo(f"{s.label}: {len(s.misses)} misses" if s.found else f"{s.label}: {s.misses[0]}")
            if s.found:
                for m in s.misses:
                    typer.echo(f"    {m}")
    typer.echo(result.line())


@app.command()
def parse(
    file: Path = typer.Argument(..., help="a filing (any format ingest reads)"),
    explain: bool = typer.Option(False, "--explain", help="print every decision: labelled pieces, costs, runner-up readings"),
) -> None:
    """Parse one file without loading it; with --explain, show how every row was read."""
    from etl.parse.explain import explain_bytes, render
    from etl.records import ReadError

    try:
        explained = explain_bytes(file.read_bytes(), file.name)
    except (OSError, ReadError) as exc:
        console.print(f"[red]{file.name}[/red]: {exc}")
        raise typer.Exit(1)
    if not explained:
        console.print(f"{file.name}: 没有找到绩效文件的内容")
        raise typer.Exit(1)
    if explain:
        print(render(explained))
    else:
        for e in explained:
            f = e.filing
            print(f"{f.part_index}\t{f.doc_kind}\t{f.department or ''}\t{f.project or ''}\t{f.year or ''}\t"
                  f"{len(f.indicators)} 个指标\t置信度 {f.parse_confidence}")


@app.command()
def report(
    county: str = typer.Option(..., "--county", help="县区, as in the filings (e.g. 攸县)"),
    year: int = typer.Option(..., "--year", help="year of the filings"),
    out: Path = typer.Option(Path("report.pdf"), "--out", help="PDF file to write"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file"),
    department: Optional[str] = typer.Option(None, "--department", help="only this department"),
    city: Optional[str] = typer.Option(None, "--city", help="地市, when two counties share a name"),
) -> None:
    """Write a printable PDF report of one county (optionally one department) and year."""
    from etl.report import ScopeError, build_report

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    try:
        data = build_report(db, county=county, year=year, department=department, city=city)
    except ScopeError as exc:
        console.print(f"[red]无法生成报告[/red]: {exc}")
        raise typer.Exit(code=1)
    tmp = out.with_name(out.name + ".part")  # never a half-written PDF under the final name
    tmp.write_bytes(data)
    tmp.replace(out)
    typer.echo(f"report written to {out} ({len(data) // 1024} KB)")


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
