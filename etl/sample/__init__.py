"""Deterministic synthetic corpus of budget-performance filings (all marked （示例数据）).

    from etl.sample.generate import generate_corpus, generate_filings
    manifest = generate_corpus(Path("data/sample"))   # files + manifest.json (the truth)
    filings = generate_filings(100_000, seed=1)        # in memory, no rendering
"""
