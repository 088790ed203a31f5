"""jixiao's ETL: read -> parse -> normalise -> check -> load -> marts, by one of two engines.

Data flows one way; so do imports. LAYERS is the order, lowest first: a module imports
from its own layer and the ones below, never from a layer above, and never a private
name (_x) of another package (tests/test_layers.py holds every module under etl/ to it).
docs/architecture.md draws the flow.
"""
import os

LAYERS = (
    # bulk: many rows into DuckDB in one statement (the writer, the marts and the cross-year tables share it)
    ("foundation", ("etl.records", "etl.lexicon", "etl.limits", "etl.workers", "etl.bulk")),
    # typed filings -> DOCX, XLSX, PDF, HTML, text: knows only the records (the sample corpus renders its
    # filings with it, the structured export writes its workbooks the same byte-stable, formula-safe way)
    ("render", ("etl.write",)),
    ("read", ("etl.read",)),  # bytes -> rows of cells
    # the functions parse calls on each value (measures, places, script), and the measures every stage shares
    ("normalise", ("etl.normalise", "etl.measures")),
    ("marts", ("etl.marts",)),  # the marts' SQL and the invariants of a filing's figures (statements, no I/O)
    ("parse", ("etl.parse",)),  # rows -> typed filings
    # rules, derived figures, identity across filings; parse_confidence from the evidence (etl.trust reads
    # the checks' settings for its guarantees)
    ("check", ("etl.link", "etl.check", "etl.trust")),
    ("load", ("etl.load",)),  # DuckDB schema and writer
    # the budget system's exports -> typed filings, exactly; their twins among published filings (reads and
    # writes the database), export-structured
    ("structured", ("etl.structured",)),
    # a person's corrections: applied by the per-file step, saved into a database (its rows, findings
    # and marts at once), the source evidence shown beside them
    ("review", ("etl.review",)),
    ("one file", ("etl.inputs", "etl.per_file")),  # what both engines do per input file
    # what compares filings across files, for both engines: in full (recheck), or over what some changed
    # filings touch (refresh), copy clusters a component at a time (copies)
    ("whole database", ("etl.recheck", "etl.refresh", "etl.copies", "etl.soft_scope")),
    ("engines", ("etl.pipeline", "etl.lake")),  # local (worker processes, one DuckDB file), Ray (Parquet lake)
    # the county report, synthetic corpora, scoring against labels, refitting the learned models from them
    ("outputs", ("etl.printout", "etl.sample", "etl.eval", "etl.train")),
    ("command line", ("etl.cli",)),
)

# Ray (the optional cluster engine) re-launches its local workers through `uv run` when the driver
# itself runs under `uv run` (as scripts/test.sh and scripts/run.sh do), and those workers never start
# from its packaged copy of the working directory. The local workers use this very environment, so
# the hook is off unless a user turns it on. Read when ray is first imported: set before that.
os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
