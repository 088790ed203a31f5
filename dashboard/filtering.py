"""The global filter values (no Streamlit here, so queries and tests can use them)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    years: tuple[int, ...] = ()
    department: str | None = None
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # filings.source_kind: structured (系统导出), document (公开文件)

    def place_only(self) -> "Filters":
        return Filters(province=self.province, city=self.city, county=self.county)


ALL = Filters()
