"""The dashboard's queries over a Parquet lake attached to a DuckDB file (`jixiao attach`).

The lake's tables and marts are views, so every query of marts.py reads them as it
reads a file's. What differs is one filing's page: looking a filing up through a
view opens every partition's files (20-40 ms per table at 1M filings), so each
per-filing table is read through its `<table>_in(province, year)` macro, one
partition's files only. A file attached by an older version has no macros: it is
read as a file with marts (the page still works, slower).
"""
from __future__ import annotations

import pandas as pd

from dashboard.queries.base import marks
from dashboard.queries.marts import MartQueries
from etl.lake.attach import PARTITION_MACRO


def _partition_of(df: pd.DataFrame) -> dict[str, tuple]:
    return {fid: (prov if pd.notna(prov) else None, int(year) if pd.notna(year) else None)
            for fid, prov, year in df[["filing_id", "province", "year"]].itertuples(index=False)}


class LakeQueries(MartQueries):
    """Queries over an attached lake whose per-filing tables have partition macros."""

    storage = "数据湖（挂接）"

    def __init__(self, db, lake: str | None = None):
        super().__init__(db, lake)
        # filing id -> (province, year): fixed for a filing id; this object lives for one database version
        self._partitions: dict[str, tuple] = {}

    def locate(self, ids: list[str], guess: dict[str, tuple] | None = None) -> dict[str, tuple]:
        """The lake partition (province, year) of each filing id that exists.

        `guess` gives likely partitions (a series' earlier filings are in its province):
        those are confirmed by reading the guessed partitions' filings only. The others
        (and wrong guesses) are looked up across the lake, which reads the filing ids of
        every partition. Unknown ids are not remembered (they may come later).
        """
        if len(self._partitions) > 100_000:  # a memo, not a store: keep it bounded
            self._partitions.clear()
        found = {i: self._partitions[i] for i in ids if i in self._partitions}
        todo = [i for i in dict.fromkeys(ids) if i not in found]
        groups: dict[tuple, list[str]] = {}
        for i in todo:
            if guess and i in guess:
                groups.setdefault(guess[i], []).append(i)
        if groups:
            macro = PARTITION_MACRO.format(table="filings")
            sql = " UNION ALL ".join(f"SELECT filing_id, province, year FROM {macro}(?, ?) "
                                     f"WHERE filing_id IN ({marks(m)})" for m in groups.values())
            found |= _partition_of(self.run(sql, [x for (prov, year), m in groups.items() for x in (prov, year, *m)]))
        rest = [i for i in todo if i not in found]
        if rest:
            cond = "filing_id = ?" if len(rest) == 1 else f"filing_id IN ({marks(rest)})"
            found |= _partition_of(self.run(f"SELECT filing_id, province, year FROM filings WHERE {cond}", rest))
        for i in todo:
            if i in found:
                self._partitions[i] = found[i]
        return found

    def many(self, table: str, ids: list[str], guess: dict[str, tuple] | None = None) -> tuple[str, list]:
        """The rows of the filings' partitions only (their `_in` macros)."""
        if not ids:
            return f"(SELECT * FROM {table} WHERE false)", []
        groups: dict[tuple, list[str]] = {}
        for fid, part in self.locate(ids, guess).items():
            groups.setdefault(part, []).append(fid)
        if not groups:  # none of them is in the lake
            return f"(SELECT * FROM {table} WHERE false)", []
        macro = PARTITION_MACRO.format(table=table)
        sql = " UNION ALL ".join(f"SELECT * FROM {macro}(?, ?) WHERE filing_id IN ({marks(m)})" for m in groups.values())
        return f"({sql})", [x for (prov, year), m in groups.items() for x in (prov, year, *m)]

    def home(self, filing_id: str) -> tuple | None:
        return self.locate([filing_id]).get(filing_id)
