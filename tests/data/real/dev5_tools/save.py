"""Decode raw/dev5/<slug>.json (url, query, excerpt as returned by the search tool) into
dev5/<slug>.txt byte-for-byte, and flag duplicates of anything the team already holds.

A duplicate: the first 200 chars equal a held file's first 200, or chars 200-400 (or the whole
text, if shorter) appear anywhere in a held file; or the url is already a source_url of a label.
"""
import json, sys, glob, os
from pathlib import Path

REAL = Path(__file__).resolve().parents[1]
HELD_GLOBS = [str(REAL / "**" / "*.txt"), "/work/main/tests/data/real/**/*.txt", "/work/shared/eval/dev*/*.txt",
              "/work/main/data/seeds/*.txt", "/work/pages/*.txt"]

def held(exclude_dir):
    out = {}
    for g in HELD_GLOBS:
        for p in glob.glob(g, recursive=True):
            if Path(p).resolve().parent == exclude_dir.resolve():
                continue
            try:
                out[p] = Path(p).read_text(encoding="utf-8", errors="replace")
            except OSError:
                pass
    return out

def held_urls():
    urls = set()
    for g in ["/work/main/tests/data/real/labels/**/*.json"]:
        for p in glob.glob(g, recursive=True):
            try:
                u = json.loads(Path(p).read_text(encoding="utf-8")).get("source_url")
            except Exception:
                continue
            if u:
                urls.add(u)
    if os.path.exists("/work/pages/manifest.tsv"):
        for line in open("/work/pages/manifest.tsv", encoding="utf-8"):
            for f in line.split("\t"):
                if f.startswith("http"):
                    urls.add(f.strip())
    return urls

def main():
    out_dir = REAL / "dev5"
    raws = sorted((REAL / "raw" / "dev5").glob("*.json"))
    if len(sys.argv) > 1:
        raws = [r for r in raws if r.stem in sys.argv[1:]]
    H = held(out_dir)
    U = held_urls()
    mine = {}
    for r in raws:
        d = json.loads(r.read_text(encoding="utf-8"))
        text = d["excerpt"]
        (out_dir / f"{r.stem}.txt").write_bytes(text.encode("utf-8"))
        mine[r.stem] = (text, d.get("url"))
    allmine = {r.stem: json.loads(r.read_text(encoding="utf-8")) for r in (REAL / "raw" / "dev5").glob("*.json")}
    for stem, (text, url) in mine.items():
        head = text[:200]
        mid = text[200:400] if len(text) > 400 else text[:200]
        hits = [p for p, t in H.items() if t[:200] == head or (mid and mid in t)]
        hits += [f"dev5/{s}" for s, d in allmine.items() if s != stem and (d["excerpt"][:200] == head or mid in d["excerpt"])]
        if url and url in U:
            hits.append("url " + url)
        print(f"{stem}: {len(text)} chars" + (f"  DUPLICATE of {hits}" if hits else "  new"))

if __name__ == "__main__":
    main()
