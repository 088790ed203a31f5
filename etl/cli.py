"""The `jixiao` command line.

    jixiao ingest PATH [PATH ...] --db FILE   load filings (files or folders)
    jixiao check --db FILE                    re-run every rule over a database
    jixiao sample DIR                         write the synthetic sample corpus
    jixiao info --db FILE                     what a database holds
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
    engine: str = typer.Option("local", "--engine", help="local (one machine, into --db) or ray (Ray Data, into --lake; needs the cluster extra)"),
    lake: Optional[Path] = typer.Option(None, "--lake", help="Parquet lake folder written by --engine ray"),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster to use (ray://host:10001); default: a local Ray on this machine"),
) -> None:
    """Load every filing found under PATHS into the database."""
    from etl.pipeline import discover, ingest_paths

    if engine not in ("local", "ray"):
        console.print(f"[red]未知的引擎[/red]: {engine}（可选 local 或 ray）")
        raise typer.Exit(code=2)
    if engine == "ray" and lake is None:
        console.print("[red]--engine ray 需要 --lake 指定数据湖目录[/red]")
        raise typer.Exit(code=2)
    if engine == "local":
        from etl.lake.attach import lake_of

        if lake_of(db) is not None:
            console.print(f"[red]{db} 挂接的是数据湖 {lake_of(db)}：请用 --engine ray --lake 导入[/red]")
            raise typer.Exit(code=2)

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

        if engine == "ray":
            from etl.lake.cli import ingest_ray

            summary, target = ingest_ray([p for p in paths if p.exists()], lake, db, address, on_file, sample, console)
        else:
            summary, target = ingest_paths([p for p in paths if p.exists()], db, progress=on_file, is_sample=sample), db
    failed = summary.failed + len(missing)
    typer.echo(
        f"loaded {summary.loaded}, duplicate {summary.duplicate}, failed {failed} "
        f"({summary.filings} filings) -> {target}"
    )
    raise typer.Exit(code=1 if failed else 0)


@app.command()
def check(db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file")) -> None:
    """Re-run every rule over the database (after rules or settings changed)."""
    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    from etl.lake.attach import lake_of
    from etl.recheck import recheck

    if lake_of(db) is not None:
        console.print(f"[red]{db} 挂接的是数据湖 {lake_of(db)}，请用 ingest --engine ray 重新导入以更新检查结果[/red]")
        raise typer.Exit(code=1)
    n_filings, n_findings = recheck(db)
    typer.echo(f"checked {n_filings} filings, {n_findings} findings -> {db}")


@app.command()
def attach(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file to hold the views (created if missing)"),
    lake: Path = typer.Option(..., "--lake", help="Parquet lake folder (written by ingest --engine ray)"),
) -> None:
    """Make a DuckDB file read a Parquet lake: one view per table, so the dashboard and SQL work on it."""
    from etl.lake.cli import attach_lake

    raise typer.Exit(code=attach_lake(db, lake, console))


@app.command()
def sample(
    out: Path = typer.Argument(Path("data/sample"), help="folder to write the corpus into"),
    seed: int = typer.Option(2024, help="random seed (same seed, same bytes)"),
) -> None:
    """Write the synthetic sample corpus (clearly marked 示例数据) and its manifest."""
    from etl.sample.generate import generate_corpus

    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        typer.echo(f"sample corpus already in {out}")
        return
    manifest = generate_corpus(out, seed=seed)
    typer.echo(f"sample corpus written to {out}: {manifest.counts['files']} files, {manifest.counts['filings']} filings")


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


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
