"""All benchmarks, one after another (make bench). Each prints its own figures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script, args in [
    ("ingest_bench.py", []),
    ("roundtrip.py", ["--counties", "3", "--departments", "6"]),
    ("real_corpus.py", []),
    ("damage_bench.py", ["--filings", "300"]),
    ("dashboard_bench.py", []),
    ("soft_targets_bench.py", []),
    ("structured_bench.py", []),
]:
    print(f"\n== {script} ==", flush=True)
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)
