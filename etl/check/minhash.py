"""MinHash signatures of indicator sets, cut into locality-sensitive bands.

Each filing's indicator set (copying.indicator_set) gets `bands x rows` MinHash
values; each band's `rows` values are hashed to one BIGINT. Two filings share a
band's hash with probability s**rows for Jaccard similarity s, so they share at
least one of `bands` with probability 1 - (1 - s**rows)**bands: the copy check
compares only filings that share a (band, hash), found with one GROUP BY in the
engine. Every hash is derived from blake2b with fixed keys, so the values are the
same in every process, engine and run (Python's hash() is salted per process).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

_U64 = np.uint64


@lru_cache(maxsize=4)
def _params(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n hash functions h(x) = (a*x + b mod 2**64) >> 32 (multiply-add-shift), a odd."""
    raw = [hashlib.blake2b(f"jixiao-minhash-{k}".encode(), digest_size=16).digest() for k in range(n)]
    a = np.array([int.from_bytes(r[:8], "little") | 1 for r in raw], dtype=_U64)
    b = np.array([int.from_bytes(r[8:], "little") for r in raw], dtype=_U64)
    return a, b


def _item_hash(item: str) -> int:
    return int.from_bytes(hashlib.blake2b(item.encode("utf-8"), digest_size=4).digest(), "little")


def signature(items: frozenset[str] | set[str], n: int) -> np.ndarray:
    """n MinHash values (uint32) of a non-empty set."""
    a, b = _params(n)
    x = np.fromiter((_item_hash(i) for i in items), dtype=_U64, count=len(items))
    # uint64 arithmetic wraps mod 2**64, which is what the hash family wants
    h = (a[:, None] * x[None, :] + b[:, None]) >> _U64(32)
    return h.min(axis=1).astype("<u4")


def band_hashes(items: frozenset[str] | set[str], bands: int, rows: int) -> list[tuple[int, int]]:
    """[(band, hash)] of a set: `bands` signed 64-bit hashes (none for an empty set)."""
    if not items:
        return []
    sig = signature(items, bands * rows)
    return [(k, int.from_bytes(hashlib.blake2b(sig[k * rows:(k + 1) * rows].tobytes(), digest_size=8).digest(),
                               "little", signed=True))
            for k in range(bands)]


def catch_probability(similarity: float, bands: int, rows: int) -> float:
    """Chance that two sets of this Jaccard similarity share at least one band."""
    return 1 - (1 - similarity ** rows) ** bands
