"""The sample corpus's projects as the budget system would export them: one long-format workbook (示例数据).

The same synthetic filings the corpus renders as published documents (same seed), for the first
county only, written in the long format `jixiao import` reads. Ingested with the corpus, they are
structured imports of projects that are also published: the dashboard shows each project once (the
export), and where the published copy differs the import carries a TWIN_DIFFERS finding. Every
seventh project's export states another 全年预算数 than its published copy (the published form printed
an earlier figure), so the differences have something to show; the manifest lists them.
"""
from __future__ import annotations

import json
from pathlib import Path

from etl.normalise.measure import parse_measure
from etl.sample.generate import _build
from etl.structured.export_long import write_xlsx

FILE_NAME = "sample_系统导出_项目绩效.xlsx"
NOTE = "示例数据：合成的预算管理系统导出（不是真实数据）"


def write_export(out_dir: Path, seed: int = 2024, departments_per_county: int = 20, years=(2021, 2022, 2023)) -> dict:
    """Write DIR/sample_系统导出_项目绩效.xlsx and DIR/manifest.json; returns the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    groups = _build(seed, 1, departments_per_county, tuple(years))
    filings = [m.filing for targets, evals in groups for m in targets + evals
               if m.filing.doc_kind in ("project_target", "project_self_eval") and m.filing.indicators]
    changed = []
    for k, f in enumerate(filings):
        for ind in f.indicators:  # the measures as the pipeline reads them from the printed values
            ind.target_m = parse_measure(ind.target) if ind.target else None
            ind.actual_m = parse_measure(ind.actual) if ind.actual else None
        if k % 7 == 3 and f.budget_adjusted:
            published = f.budget_adjusted
            f.budget_adjusted = round(published * 1.05, 2)
            changed.append({"project_code": f.project_code, "project": f.project, "department": f.department,
                            "doc_kind": f.doc_kind, "year": f.year,
                            "budget_adjusted": f.budget_adjusted, "published": published})
    rows = write_xlsx(out_dir / FILE_NAME, filings, sheet="项目绩效", note=NOTE, stable=True)
    manifest = {"file": FILE_NAME, "seed": seed, "filings": len(filings), "rows": rows,
                "county": filings[0].county if filings else None, "budget_changed": changed}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
