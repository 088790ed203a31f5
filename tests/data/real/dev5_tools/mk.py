"""Write the dev5 labels from the hand-typed specs in lab/l*.py (format: ../LABELS.md).

Values are typed by hand from the text; this script only assembles the JSON and warns when a
string value (department, unit, project, row names/targets/actuals/reasons) is not found in the
text once white space is removed (mirror noise or traditional script may explain a warning;
every warning is read, none is silenced)."""
import json, re, sys, importlib.util
from pathlib import Path

REAL = Path(__file__).resolve().parents[1]
TXT = REAL / "dev5"
OUT = REAL / "labels" / "dev5"
RAW = REAL / "raw" / "dev5"
LABELS = []


def R(l1, l2, name, target, actual=None, w=None, s=None, reason=None, vt=None, va=None, pr=()):
    return {"level1": l1, "level2": l2, "name": name, "target": target, "actual": actual,
            "weight": w, "score": s, "reason": reason,
            "vague_target": (vt if vt is not None else (False if target is not None else None)),
            "vague_actual": va, "problems": list(pr)}


def L(slug, kind, *, suffix=None, trunc=False, prov=None, city=None, county=None, dept=None, unit=None,
      proj=None, year=None, initial=None, adjusted=None, executed=None, rate=None, ew=None, es=None,
      tw=None, ts=None, rows=(), notes=""):
    rows = [dict(r) for r in rows]
    if kind in ("project_self_eval", "dept_self_eval"):
        for r in rows:
            if r["vague_actual"] is None and r["actual"] is not None:
                r["vague_actual"] = False
    raw = json.loads((RAW / f"{slug}.json").read_text(encoding="utf-8"))
    LABELS.append((f"{slug}-{suffix}" if suffix else slug, {
        "file": f"{slug}.txt", "source_url": raw.get("url"), "doc_kind": kind, "truncated": trunc,
        "region": {"province": prov, "city": city, "county": county},
        "department": dept, "unit": unit, "project": proj, "year": year,
        "budget": {"initial": initial, "adjusted": adjusted, "executed": executed, "exec_rate": rate,
                   "exec_weight": ew, "exec_score": es},
        "total_weight": tw, "total_score": ts, "indicators": rows, "notes": notes}))


def squash(s):
    return re.sub(r"\s+", "", s or "")


def main():
    for p in sorted((Path(__file__).parent / "lab").glob("l*.py")):
        spec = importlib.util.spec_from_file_location(p.stem, p)
        mod = importlib.util.module_from_spec(spec)
        mod.R, mod.L = R, L
        spec.loader.exec_module(mod)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, lab in LABELS:
        text = squash((TXT / lab["file"]).read_text(encoding="utf-8"))
        vals = [("department", lab["department"]), ("unit", lab["unit"]), ("project", lab["project"])]
        for r in lab["indicators"]:
            vals += [("name", r["name"]), ("target", r["target"]), ("actual", r["actual"]), ("reason", r["reason"])]
        for k, v in vals:
            if isinstance(v, str) and squash(v) not in text:
                print(f"warn {name}: {k} {v!r} not verbatim")
        (OUT / f"{name}.json").write_text(json.dumps(lab, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(LABELS)} labels written")


if __name__ == "__main__":
    main()
