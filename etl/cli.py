"""The `jixiao` command line.

    jixiao ingest PATH [PATH ...] --db FILE   load filings (files or folders)
    jixiao remove NAME [NAME ...] --db FILE   take files out of the database with all their rows
    jixiao import FILE [FILE ...] --db FILE   load the budget system's long-format exports exactly
    jixiao export-structured --db FILE --out X.xlsx   write filings in that long format
    jixiao check --db FILE                    re-run every rule over a database
    jixiao sample DIR                         write the synthetic sample corpus
    jixiao info --db FILE                     what a database holds
    jixiao attach --db FILE --lake DIR        make a DuckDB file read a Parquet lake (views)
    jixiao export --db FILE --lake DIR        write a loaded DuckDB file out as a Parquet lake
    jixiao score --labels DIR --db FILE       how much of hand-labelled filings was read right
    jixiao train confidence                   refit parse_confidence on the labelled real files
    jixiao parse FILE [--explain]             read one file and show how every row was read
    jixiao report --db FILE --county X --year N --out report.pdf   printable PDF report (+ its problem list, XLSX)
    jixiao report --per-department --format docx --out DIR [--county X] [--year N]   feedback letters (DOCX)
    jixiao train cells [--out FILE]           rebuild the cell tagger's model file from the repo's data
    jixiao corrections export DIR --db FILE   reviewed filings as labels (score.py scores them)
    jixiao corrections list --db FILE         every correction: who changed what, from what, when, why
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

# The one module whose imports sit inside the commands that need them (the rest of etl/ imports at the top):
# the parser, the checks, DuckDB, the trust model and Ray take 10-15 s to import on a busy 2-core machine, and
# `jixiao --help`, `info` or a typo in an option must answer in about a second. tests/test_layers.py allows it
# here only.
DEFAULT_DB = Path("data/jixiao.duckdb")

app = typer.Typer(add_completion=False, no_args_is_help=True, help="jixiao: 预算绩效文件的离线抽取、检查与分析")
console = Console(stderr=True, soft_wrap=True)  # long reasons and paths stay on one line (grep-able)


_L = None


def _default(name: str):
    global _L
    if _L is None:
        from etl.limits import Limits

        _L = Limits()
    return getattr(_L, name)


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="files or folders (folders are searched recursively)"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file to load into (created if missing)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    sample: Optional[bool] = typer.Option(None, "--sample/--no-sample", help="mark the files as synthetic sample data (default: by the sample_ file-name prefix)"),
    workers: Optional[int] = typer.Option(None, "--workers", help="parsing processes (default: up to 4, one per core)"),
    wait: Optional[float] = typer.Option(None, "--wait", help="seconds to wait for another ingest into the same database or lake (default: until it finishes)"),
    seconds: float = typer.Option(_default("seconds"), "--max-seconds", help="CPU time per file, seconds (a file that makes no progress for this long, or runs 20 times this by the clock, is stopped too)"),
    memory_mb: int = typer.Option(_default("memory_mb"), "--max-memory-mb", help="memory (address space) a file may use while parsed, MB"),
    file_mb: int = typer.Option(_default("file_mb"), "--max-file-mb", help="size of one file, MB"),
    unzipped_mb: int = typer.Option(_default("unzipped_mb"), "--max-unzipped-mb", help="XLSX/DOCX uncompressed size, all members, MB"),
    member_mb: int = typer.Option(_default("member_mb"), "--max-member-mb", help="XLSX/DOCX uncompressed size of one member, MB"),
    text_mb: int = typer.Option(_default("text_mb"), "--max-text-mb", help="size of a text/CSV file, MB"),
    rows: int = typer.Option(_default("rows"), "--max-rows", help="rows of one table"),
    cols: int = typer.Option(_default("cols"), "--max-cols", help="columns of one table (and one cell span)"),
    cells: int = typer.Option(_default("cells"), "--max-cells", help="rows x columns of one table, merged ranges included"),
    pdf_pages: int = typer.Option(_default("pdf_pages"), "--max-pdf-pages", help="pages of one PDF"),
    pdf_stream_mb: int = typer.Option(_default("pdf_stream_mb"), "--max-pdf-stream-mb", help="one decompressed PDF stream, MB"),
    engine: str = typer.Option("local", "--engine", help="local (one machine, into --db) or ray (Ray Data, into --lake; needs the cluster extra)"),
    lake: Optional[Path] = typer.Option(None, "--lake", help="Parquet lake folder written by --engine ray"),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster to use (ray://host:10001); default: a local Ray on this machine"),
    reread: bool = typer.Option(False, "--reread", help="read files the database already holds again (e.g. after a parser upgrade) and replace their rows; people's corrections are applied again (local engine)"),
) -> None:
    """Load every filing found under PATHS into the database.

    Each file is parsed in a worker process within the limits below; a file
    that goes past one fails with the limit named, and the batch goes on.
    With --engine ray the files go to Ray Data tasks instead and into a Parquet
    lake (--lake); the same per-file analysis runs there.
    """
    from etl.limits import Limits
    from etl.inputs import discover, display_name
    from etl.pipeline import ingest_paths

    if engine not in ("local", "ray"):
        console.print(f"[red]未知的引擎[/red]: {escape(engine)}（可选 local 或 ray）", highlight=False)
        raise typer.Exit(code=2)
    if engine == "ray" and reread:
        console.print("[red]--reread 只用于本地引擎（--engine local）[/red]")
        raise typer.Exit(code=2)
    if engine == "ray" and lake is None:
        console.print("[red]--engine ray 需要 --lake 指定数据湖目录[/red]")
        raise typer.Exit(code=2)
    if engine == "local":
        from etl.lake.attach import lake_of

        if lake_of(db) is not None:
            console.print(f"[red]{escape(str(db))} 挂接的是数据湖 {escape(str(lake_of(db)))}：请用 --engine ray --lake 导入[/red]", highlight=False)
            raise typer.Exit(code=2)
    limits = Limits(
        seconds=seconds, memory_mb=memory_mb, file_mb=file_mb, unzipped_mb=unzipped_mb, member_mb=member_mb,
        text_mb=text_mb, rows=rows, cols=cols, cells=cells, pdf_pages=pdf_pages, pdf_stream_mb=pdf_stream_mb,
    )
    target = lake if engine == "ray" else db
    entries = discover(paths)
    if not entries:
        console.print("[yellow]没有找到可导入的文件[/yellow]: " + escape("、".join(display_name(str(p)) for p in paths)), highlight=False)
        typer.echo(f"loaded 0, duplicate 0, failed 0 (0 filings) -> {target}")
        raise typer.Exit(code=1)
    for e in entries:
        if e.problem and e.problem.startswith("找不到路径"):
            console.print(f"[red]找不到路径[/red]: {escape(e.name)}", highlight=False)
    def run(on_file, on_pages, on_wait):
        if engine == "ray":  # the lake's own driver; the local path below is untouched by it
            from etl.lake.commands import ingest_ray

            return ingest_ray(paths, lake, db, address, on_file, sample, console, limits=limits,
                              lock_wait=wait, on_wait=on_wait)
        return ingest_paths(paths, db, progress=on_file, is_sample=sample, workers=workers,
                            limits=limits, lock_wait=wait, on_wait=on_wait, on_pages=on_pages, reread=reread)

    summary = _with_progress(len(entries), quiet, target, run)
    _finish(summary, target)


def _with_progress(total: int, quiet: bool, target: Path, run):
    """Run an ingest under a progress bar; failed files (and skipped rows) are printed as they come."""
    import duckdb

    from etl.load.schema import SchemaError
    from etl.load.store import DatabaseBusy

    with Progress(
        TextColumn("[bold]导入[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"), console=console, disable=quiet, transient=False,
    ) as bar:
        task = bar.add_task("ingest", total=total, current="")

        def on_file(done, total, result):
            bar.update(task, completed=done, current=result.source_file[:40])
            if result.status == "failed":
                # file names and reasons are data: escaped, never read as markup
                bar.console.print("[red]失败[/red] " + escape(result.error or ""), highlight=False)
            elif result.error:  # loaded, with rows of an export skipped (--skip-bad-rows)
                bar.console.print("[yellow]跳过[/yellow] " + escape(result.error), highlight=False)
            if getattr(result, "note", None):  # a re-submission: an older version replaced, or the file renamed
                bar.console.print("[cyan]更新[/cyan] " + escape(f"{result.source_file}：{result.note}"), highlight=False)

        def on_pages(name: str, page: int, pages: int) -> None:
            # a PDF's pages; a structured export's rows and filings (no total known: pages 0)
            bar.update(task, current=f"{name[:30]} 第 {page}/{pages} 页" if pages > 0 else f"{name[:30]} 已处理 {page:,}")

        def on_wait(message: str) -> None:
            bar.console.print(escape(message), highlight=False)

        try:
            return run(on_file, on_pages, on_wait)
        except (DatabaseBusy, SchemaError) as exc:
            console.print(f"[red]无法导入[/red] {escape(str(target))}: {escape(str(exc))}", highlight=False)
            raise typer.Exit(code=2)
        except (duckdb.Error, OSError) as exc:  # not a DuckDB file, disk full, no permission
            console.print(f"[red]无法写入数据库[/red] {escape(str(target))}: {escape(_db_problem(exc))}", highlight=False)
            raise typer.Exit(code=2)


def _finish(summary, target: Path) -> None:
    for w in summary.warnings:
        console.print(f"[yellow]警告[/yellow]: {escape(w)}", highlight=False)
    typer.echo(
        f"loaded {summary.loaded}, duplicate {summary.duplicate}, failed {summary.failed} "
        f"({summary.filings} filings) -> {target}"
    )
    if summary.interrupted:
        console.print("[yellow]导入已中断[/yellow]：已完成的文件已保存，再次运行同一命令会继续导入其余文件")
        raise typer.Exit(code=130)
    raise typer.Exit(code=1 if summary.failed or summary.warnings else 0)


@app.command()
def remove(
    names: List[str] = typer.Argument(..., help="files as ingested (source_file, e.g. 甲/报告.txt), or paths of files on disk"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file"),
    wait: Optional[float] = typer.Option(None, "--wait", help="seconds to wait for an ingest into the same database"),
) -> None:
    """Take files out of the database: their filings, rows, findings, older versions and mart rows.

    A NAME is matched against the stored file names (source_file); a path to a file on disk that
    matches no name is matched by its content (sha256). Exit code 1 when any NAME is unknown.
    """
    from etl.lake.attach import lake_of
    from etl.load import store
    from etl.pipeline import remove_files

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {escape(str(db))}", highlight=False)
        raise typer.Exit(code=1)
    if lake_of(db) is not None:
        console.print(f"[red]{escape(str(db))} 挂接的是数据湖 {escape(str(lake_of(db)))}：数据湖暂不支持删除文件，未做任何改动[/red]",
                      highlight=False)
        raise typer.Exit(code=2)
    try:
        got = remove_files(names, db, lock_wait=wait, on_wait=lambda m: console.print(escape(m), highlight=False))
    except store.DatabaseBusy as exc:
        console.print(f"[red]无法删除[/red]: {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=2)
    for name, removed in got.items():
        if not removed:
            console.print(f"[red]未找到[/red]: 数据库中没有名为「{escape(name)}」的文件，未删除任何内容", highlight=False)
        for r in removed:
            extra = f"，连同 {r.versions} 个旧版本" if r.versions else ""
            console.print(f"已删除「{escape(r.name)}」：{r.filings} 份填报{extra}", highlight=False)
    for w in got.warnings:
        console.print(f"[yellow]警告[/yellow]: {escape(w)}", highlight=False)
    n = sum(len(v) for v in got.values())
    typer.echo(f"removed {n}, unknown {sum(1 for v in got.values() if not v)} -> {db}")
    raise typer.Exit(code=1 if any(not v for v in got.values()) or got.warnings else 0)


@app.command("import")
def import_(
    paths: List[Path] = typer.Argument(..., help="long-format exports of the budget system (XLSX, XLS, CSV; folders are searched)"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file to load into (created if missing)"),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help="load a file without its malformed rows (each one logged) instead of refusing the whole file"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    sample: Optional[bool] = typer.Option(None, "--sample/--no-sample", help="mark the files as synthetic sample data (default: by the sample_ file-name prefix)"),
    workers: Optional[int] = typer.Option(None, "--workers", help="processes the checks of a large export run in (default: up to 4, one per core)"),
    wait: Optional[float] = typer.Option(None, "--wait", help="seconds to wait for another ingest into the same database"),
    file_mb: int = typer.Option(_default("file_mb"), "--max-file-mb", help="size of one file, MB"),
    unzipped_mb: int = typer.Option(_default("unzipped_mb"), "--max-unzipped-mb", help="XLSX uncompressed size, all members, MB"),
    member_mb: int = typer.Option(_default("member_mb"), "--max-member-mb", help="XLSX uncompressed size of one member, MB"),
) -> None:
    """Load the budget system's own exports (one row per indicator, many projects per file) exactly.

    Columns are found by the header names in etl/lexicon.toml [structured.columns]. A file loads
    whole or not at all: any malformed row fails it with the sheet, row and column named, unless
    --skip-bad-rows is given. Filings get source_kind 'structured' and parse_confidence 1.0.
    Files are read in this process (an export is a table: there is no parser to run away with a
    file's time), one at a time, and their checks run in forked processes; `ingest` reads an
    export in a worker process under its per-file budgets instead.
    """
    from etl.limits import Limits
    from etl.inputs import discover, display_name
    from etl.pipeline import ingest_paths

    from etl.lake.attach import lake_of

    if lake_of(db) is not None:
        console.print(f"[red]{escape(str(db))} 挂接的是数据湖，不能直接导入[/red]", highlight=False)
        raise typer.Exit(code=2)
    limits = Limits(file_mb=file_mb, unzipped_mb=unzipped_mb, member_mb=member_mb)
    entries = discover(paths)
    if not entries:
        console.print("[yellow]没有找到可导入的文件[/yellow]: " + escape("、".join(display_name(str(p)) for p in paths)), highlight=False)
        typer.echo(f"loaded 0, duplicate 0, failed 0 (0 filings) -> {db}")
        raise typer.Exit(code=1)

    def run(on_file, on_pages, on_wait):
        return ingest_paths(paths, db, progress=on_file, is_sample=sample, workers=workers, limits=limits,
                            lock_wait=wait, on_wait=on_wait, mode="structured", skip_bad_rows=skip_bad_rows)

    summary = _with_progress(len(entries), quiet, db, run)
    _finish(summary, db)


@app.command("export-structured")
def export_structured(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file to read"),
    out: Path = typer.Option(..., "--out", help="XLSX file to write"),
    kind: Optional[str] = typer.Option(None, "--source-kind", help="only filings of this kind: structured or document"),
) -> None:
    """Write filings (imported or parsed) in the long format `jixiao import` reads: one row per indicator."""
    from etl.structured.export_long import export_long

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {escape(str(db))}", highlight=False)
        raise typer.Exit(code=1)
    got = export_long(db, out, source_kind=kind)
    if got.skipped:
        console.print(f"[yellow]{got.skipped} 份填报没有指标行（如自评报告），长表格式无法表示，未导出[/yellow]")
    if got.repeated:
        console.print(f"[yellow]{got.repeated} 份填报有同一指标的重复行（同级指标、同名），导入时这些行会报“重复的指标”"
                      "（可用 jixiao import --skip-bad-rows 跳过）[/yellow]")
    typer.echo(f"exported {got.filings} filings, {got.rows} indicator rows -> {out}")


@app.command()
def check(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file"),
    full: bool = typer.Option(False, "--full", help="rebuild every derived table and mart from scratch "
                              "(what ingest otherwise updates incrementally); `check` always does"),
) -> None:
    """Re-run every rule over the database (after rules or settings changed) and rebuild every derived
    table and mart in full. `--full` says so explicitly: ingest only updates what its files touch."""
    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    import duckdb

    from etl.lake.attach import lake_of
    from etl.load import store
    from etl.load.schema import SchemaError
    from etl.recheck import recheck

    _refuse_unreadable(db)
    if lake_of(db) is not None:
        console.print(f"[red]{escape(str(db))} 挂接的是数据湖 {escape(str(lake_of(db)))}，请用 ingest --engine ray 重新导入以更新检查结果[/red]", highlight=False)
        raise typer.Exit(code=1)
    try:
        # the same writer lock as ingest: a check never interleaves with an ingest
        with store.ingest_lock(db, wait=None, on_wait=lambda m: console.print(escape(m), highlight=False)):
            n_filings, n_findings = recheck(db)
            with store.writer(db) as con:
                store.clear_meta(con, store.COPIES_PENDING)  # recheck rebuilt the copy clusters too
    except (store.DatabaseBusy, SchemaError) as exc:
        console.print(f"[red]无法检查[/red] {escape(str(db))}: {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=2)
    except duckdb.Error as exc:
        console.print(f"[red]无法检查[/red] {escape(str(db))}: {escape(_db_problem(exc))}", highlight=False)
        raise typer.Exit(code=2)
    typer.echo(f"checked {n_filings} filings, {n_findings} findings -> {db}")


def _db_problem(exc: Exception) -> str:
    """What is wrong with a database file, in words (DuckDB's own English kept in brackets)."""
    text = str(exc)
    if "not a valid DuckDB database file" in text:
        return f"不是 DuckDB 数据库文件（{text}）"
    if "Catalog Error" in text or "does not exist" in text:
        return f"数据库里没有 jixiao 的数据表，请先用 jixiao ingest 导入（{text}）"
    return text


def _refuse_unreadable(db: Path) -> None:
    """Exit with a clear message when `db` cannot be opened as a DuckDB database (nothing is written)."""
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            return  # a writer holds it: the command waits for its turn
        console.print(f"[red]无法打开数据库[/red] {escape(str(db))}: {escape(_db_problem(exc))}", highlight=False)
        raise typer.Exit(code=2)
    con.close()


@app.command()
def attach(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file to hold the views (created if missing)"),
    lake: Path = typer.Option(..., "--lake", help="Parquet lake folder (written by ingest --engine ray)"),
) -> None:
    """Make a DuckDB file read a Parquet lake: one view per table, so the dashboard and SQL work on it."""
    from etl.lake.commands import attach_lake

    raise typer.Exit(code=attach_lake(db, lake, console))


@app.command()
def export(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="loaded DuckDB file to read"),
    lake: Path = typer.Option(..., "--lake", help="empty folder to write the Parquet lake into"),
) -> None:
    """Write a loaded DuckDB file out as a Parquet lake (one committed batch), e.g. to move it onto a cluster."""
    from etl.lake.from_database import export_db

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {escape(str(db))}", highlight=False)
        raise typer.Exit(code=1)
    try:
        export_db(db, lake)
    except FileExistsError as exc:
        console.print(f"[red]导出失败[/red]: {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=1)
    typer.echo(f"exported {db} -> {Path(lake).resolve()}")


@app.command()
def sample(
    out: Path = typer.Argument(Path("data/sample"), help="folder to write the corpus into"),
    seed: int = typer.Option(2024, help="random seed (same seed, same bytes)"),
) -> None:
    """Write the synthetic sample corpus (clearly marked 示例数据) and its manifest, the multi-year
    series with planted soft targets in DIR/series, and the first county's projects as a long-format
    export of the budget system in DIR/export (structured imports of the same projects)."""
    from etl.sample.generate import generate_corpus
    from etl.sample.planted_series import write_series

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
    # the first county's projects as the budget system exports them (structured imports of published projects)
    if not (out / "export" / "manifest.json").exists():
        from etl.sample.export_sample import write_export

        got = write_export(out / "export", seed=seed)
        typer.echo(f"structured export written to {out / 'export'}: {got['filings']} filings, {got['rows']} rows")


@app.command()
def info(db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file")) -> None:
    """Counts of what the database holds."""
    import duckdb

    from etl.load.schema import SCHEMA_VERSION, SchemaError, stored_version
    from etl.load.store import connect

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {db}")
        raise typer.Exit(code=1)
    _refuse_unreadable(db)
    try:
        con = connect(db, read_only=True)
        try:
            version = stored_version(con)
            for table in ("source_files", "filings", "indicators", "findings", "ingest_log"):
                n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # table names are our own constants
                typer.echo(f"{table}: {n}")
        finally:
            con.close()
    except (duckdb.Error, SchemaError) as exc:
        console.print(f"[red]无法读取数据库[/red] {escape(str(db))}: {escape(_db_problem(exc))}", highlight=False)
        raise typer.Exit(code=2)
    typer.echo(f"schema_version: {version}")
    if version is not None and version > SCHEMA_VERSION:
        console.print(f"[yellow]注意[/yellow]: 数据库由更新版本的 jixiao 写入（数据结构版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
                      "本程序不会写入它", highlight=False)


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
    import duckdb

    from etl.check.settings import load_settings
    from etl.eval.score import load_labels, score_db
    from etl.trust.figures import Calibration, file_confidences, points

    result = score_db(labels, db)
    if verbose:
        for s in result.labels:
            typer.echo(f"{s.label}: {len(s.misses)} misses" if s.found else f"{s.label}: {s.misses[0]}")
            if s.found:
                for m in s.misses:
                    typer.echo(f"    {m}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        conf = file_confidences(con)
    finally:
        con.close()
    cal = Calibration(tuple(points(result.labels, dict(load_labels(labels)), conf)), load_settings().accept_confidence)
    if cal.points:
        typer.echo(cal.line())
    typer.echo(result.line())


train_app = typer.Typer(no_args_is_help=True, help="refit the models shipped as data from the labelled files in the repo")
app.add_typer(train_app, name="train")


@train_app.command("confidence")
def train_confidence(
    out: Path = typer.Option(None, "--out", help="model file to write (default: the shipped etl/trust/model.json)"),
) -> None:
    """Refit parse_confidence on the real labelled files; print leave-one-file-out AUROC, MAE and accuracy."""
    from etl.trust.combine import MODEL_FILE
    from etl.train.confidence import train

    root = Path(__file__).resolve().parents[1]
    result = train(root, out or MODEL_FILE)
    m = result.model
    typer.echo(f"fitted on {m.meta['labels']} labels of {m.meta['files']} files ({m.meta['rows']} rows) "
               f"in {result.seconds:.1f}s -> {out or MODEL_FILE}")
    typer.echo("row weights: " + " ".join(f"{k}={w:+.2f}" for k, w in zip(m.row.signals, m.row.weights))
               + f" intercept={m.row.intercept:+.2f}")
    typer.echo("filing weights: " + " ".join(f"{k}={w:+.2f}" for k, w in zip(m.filing.signals, m.filing.weights))
               + f" intercept={m.filing.intercept:+.2f}")
    typer.echo("in-sample " + result.in_sample.line())
    typer.echo("leave-one-file-out " + result.lofo.line())


@app.command()
def parse(
    file: Path = typer.Argument(..., help="a filing (any format ingest reads)"),
    explain: bool = typer.Option(False, "--explain", help="print every decision: labelled pieces, costs, runner-up readings"),
    set_: list[str] = typer.Option([], "--set", help="try another value of a parser setting: --set decode.skip_target=1.5 "
                                   "(names as --explain prints them; may be repeated)"),
) -> None:
    """Parse one file without loading it; with --explain, show how every row was read."""
    from etl.parse.explain import explain_bytes, render
    from etl.parse.parse_settings import DEFAULT
    from etl.read import read_bytes
    from etl.records import ReadError
    from etl.trust import assess

    try:
        settings = DEFAULT.resolve(dict(kv.split("=", 1) for kv in set_ if "=" in kv))
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    if any("=" not in kv for kv in set_):
        console.print(f"[red]--set 需要 名称=数值 的形式：{', '.join(kv for kv in set_ if '=' not in kv)}[/red]")
        raise typer.Exit(2)
    try:
        data = file.read_bytes()
        explained = explain_bytes(data, file.name, settings)
        # the confidences ingest stores: from the evidence (etl/trust), not the decoder's margins alone
        assessed = assess(read_bytes(data, file.name), [e.filing for e in explained]) if explained else []
    except (OSError, ReadError) as exc:
        console.print(f"[red]{file.name}[/red]: {exc}")
        raise typer.Exit(1)
    if not explained:
        console.print(f"{file.name}: 没有找到绩效文件的内容")
        raise typer.Exit(1)
    if explain:
        print(render(explained, settings=settings))
        for e, a in zip(explained, assessed):
            held = f", held below the accept threshold ({a.capped_by})" if a.capped_by else ""
            print(f"== filing {e.filing.part_index} confidence {a.conf:.3f} (model {a.model_conf:.3f}{held}): "
                  + ", ".join(f"{k}={v:.3f}" for k, v in a.signals.items()))
            print(f"   evidence: {a.evidence}")
    else:
        for e in explained:
            f = e.filing
            print(f"{f.part_index}\t{f.doc_kind}\t{f.department or ''}\t{f.project or ''}\t{f.year or ''}\t"
                  f"{len(f.indicators)} 个指标\t置信度 {f.parse_confidence}")


@app.command()
def report(
    county: Optional[str] = typer.Option(None, "--county", help="县区, as in the filings (e.g. 攸县); the PDF needs it"),
    year: Optional[int] = typer.Option(None, "--year", help="year of the filings; the PDF needs it"),
    out: Optional[Path] = typer.Option(None, "--out", help="PDF file to write (default report.pdf); with --per-department a folder"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file"),
    department: Optional[str] = typer.Option(None, "--department", help="only this department"),
    city: Optional[str] = typer.Option(None, "--city", help="地市, when two counties share a name"),
    per_department: bool = typer.Option(False, "--per-department", help="one feedback letter (整改通知) per department instead"),
    fmt: str = typer.Option("pdf", "--format", help="pdf (the county report) or docx (the letters, with --per-department)"),
) -> None:
    """Write a county's PDF report (with its full problem list as XLSX, embedded and beside it), or with
    --per-department --format docx one editable feedback letter per department of a county or a year."""
    from etl.printout import ScopeError, build_report_files
    from etl.printout.letters import write_letters

    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {escape(str(db))}", highlight=False)
        raise typer.Exit(code=1)
    if per_department or fmt == "docx":
        if not (per_department and fmt == "docx"):
            console.print("[red]整改通知按部门生成，格式为 DOCX：请同时使用 --per-department --format docx[/red]")
            raise typer.Exit(code=2)
        folder = out or Path("整改通知")
        paths = write_letters(db, folder, county=county, year=year, city=city, department=department)
        if not paths:
            console.print("[red]没有符合条件的部门[/red]（检查 --county、--year、--department）")
            raise typer.Exit(code=1)
        typer.echo(f"{len(paths)} letters written to {folder}")
        return
    if fmt != "pdf":
        console.print(f"[red]未知的格式[/red]: {escape(fmt)}（可选 pdf，或 docx 配合 --per-department）", highlight=False)
        raise typer.Exit(code=2)
    if not county or year is None:
        console.print("[red]报告需要 --county 和 --year[/red]")
        raise typer.Exit(code=2)
    out = out or Path("report.pdf")
    try:
        pdf, (xlsx_name, xlsx) = build_report_files(db, county=county, year=year, department=department, city=city)
    except ScopeError as exc:
        console.print(f"[red]无法生成报告[/red]: {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=1)
    beside = out.with_name(f"{out.stem}_{xlsx_name}")
    for path, data in ((out, pdf), (beside, xlsx)):
        tmp = path.with_name(path.name + ".part")  # never a half-written file under the final name
        tmp.write_bytes(data)
        tmp.replace(path)
    typer.echo(f"report written to {out} ({len(pdf) // 1024} KB); problem list {beside}")


@train_app.command("cells")
def train_cells(
    out: Optional[Path] = typer.Option(None, "--out", help="model file to write (default: the one the parser reads, etl/models/cells.crfsuite)"),
) -> None:
    """Train the cell cutter and role tagger (a CRF over characters) from the labelled real rows and
    generated filings, rendered the way real copies break them."""
    from etl.parse.tagger import MODEL_FILE
    from etl.train.cell_tagger import train

    r = train(out or MODEL_FILE)
    typer.echo(f"model written to {r.path}: {r.size / 1024:.0f} KB, sha256 {r.sha256[:16]}; "
               f"{r.sequences} sequences, {r.characters} characters, {r.seconds:.1f} s")


corrections_app = typer.Typer(no_args_is_help=True, help="人工更正：导出为标注、查看记录")
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("export")
def corrections_export(
    out: Path = typer.Argument(..., help="folder to write the labels into (created if missing)"),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file holding the corrections"),
) -> None:
    """Write every reviewed filing as a label (format: tests/data/real/LABELS.md), for jixiao score / score.py."""
    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {escape(str(db))}", highlight=False)
        raise typer.Exit(code=1)
    from etl.eval.review_labels import export_labels

    result = export_labels(db, out)
    for name in result.ambiguous:
        console.print(f"[yellow]注意[/yellow]: 标注 {escape(name)} 与同名文件中的另一份填报无法区分，评分时可能对错填报",
                      highlight=False)
    typer.echo(f"exported {len(result.written)} reviewed filings -> {out}")
    raise typer.Exit(code=1 if result.ambiguous else 0)


@corrections_app.command("list")
def corrections_list(db: Path = typer.Option(DEFAULT_DB, "--db", help="DuckDB file")) -> None:
    """Every correction, oldest first: filing, what, from, to, who, when, why, state (tab-separated)."""
    if not db.exists():
        console.print(f"[red]数据库不存在[/red]: {escape(str(db))}", highlight=False)
        raise typer.Exit(code=1)
    import duckdb

    from etl.review.ledger import load

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = load(con)
    finally:
        con.close()
    typer.echo("filing_id\tkind\trow\tfield\told\tnew\treviewer\tcorrected_at\treason\tstate")
    for c in rows:
        typer.echo("\t".join("" if v is None else str(v) for v in (
            c.filing_id, c.kind, c.row_key, c.field, c.old_value, c.new_value, c.reviewer, c.corrected_at, c.reason,
            c.state)))


# Commands whose process only reads files and writes DuckDB: pandas is kept out of them (etl/bulk.py). Not
# `ingest --engine ray`: Ray Data needs pandas.
_NO_PANDAS = ("import", "ingest", "check", "remove")


def main() -> None:  # pragma: no cover - console entry point
    args = sys.argv[1:]
    if args and args[0] in _NO_PANDAS and not any(a == "ray" or a == "--engine=ray" for a in args):
        from etl.bulk import without_pandas

        without_pandas()
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
