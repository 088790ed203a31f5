"""A person's corrections of what the parser read, and the evidence shown next to them.

    edits.py         the typed correction and `apply_corrections(filing, corrections)`: plain functions over
                     etl.records, run by the per-file step (both engines) and by every save
    ledger.py        the `corrections` table: save a reviewer's edits into a DuckDB file (the filing's rows,
                     its findings and the marts it counts in change at once), flag corrections whose file changed
    blobs.py         the `source_blobs` table: a compressed copy of each ingested file's bytes (bounded)
    source_view.py   a filing's source as the review page shows it: lines or grid cells the reading used,
                     number-bearing lines it did not, PDF pages with boxes
(Reviewed filings are written as labels by etl/eval/review_labels.py, beside the scorer that reads them.)
"""
