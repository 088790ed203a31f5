"""A Parquet lake: the same tables as the DuckDB file, written by Ray (or exported), read by any engine.

Layout (DIR is the lake):

    DIR/<table>/province=…/year=…/<batch>_<n>.parquet   per-filing tables, hive-partitioned
    DIR/source_files/<batch>_<n>.parquet                  one row per loaded file
    DIR/ingest_log/<batch>_<n>.parquet                    one row per file per run
    DIR/derived/<table>.parquet                           cross-filing tables, rewritten after each run
    DIR/_commits/<batch>.json                             a batch's rows count only once this exists
"""
