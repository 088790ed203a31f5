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


@lru_cache(maxsize=1 << 16)  # a bulk export's filings share their items ('受益人数→≥100人'): each hashed once
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


CHUNK_ITEMS = 4096  # items hashed at once by band_hashes_many: 288 functions x 4,096 items = 9 MB of uint64


def band_hashes_many(sets: list, bands: int, rows: int) -> list[list[tuple[int, int]]]:
    """band_hashes of each set, the same values, with the MinHash of all the sets' items computed at once
    (numpy over every item, then a minimum per set) instead of a few small arrays per set."""
    n = bands * rows
    a, b = _params(n)
    sizes = [len(s) for s in sets]
    items = np.fromiter((_item_hash(i) for s in sets for i in s), dtype=_U64, count=sum(sizes))
    starts = np.cumsum([0] + sizes[:-1]) if sets else np.zeros(0, dtype=np.int64)
    sig = np.empty((len(sets), n), dtype="<u4")
    full = [k for k, size in enumerate(sizes) if size]
    # the sets' items in chunks of whole sets, so a set's minimum is taken over all its items at once
    k = 0
    while k < len(full):
        first, width = k, 0
        while k < len(full) and (width == 0 or width + sizes[full[k]] <= CHUNK_ITEMS):
            width += sizes[full[k]]
            k += 1
        lo = int(starts[full[first]])
        x = items[lo:lo + width]
        h = (a[:, None] * x[None, :] + b[:, None]) >> _U64(32)
        offsets = (starts[full[first:k]] - lo).astype(np.int64)
        sig[full[first:k]] = np.minimum.reduceat(h, offsets, axis=1).T.astype("<u4")
    out = []
    for j, size in enumerate(sizes):
        if not size:
            out.append([])
            continue
        row = sig[j]
        out.append([(k, int.from_bytes(hashlib.blake2b(row[k * rows:(k + 1) * rows].tobytes(), digest_size=8).digest(),
                                       "little", signed=True)) for k in range(bands)])
    return out


def catch_probability(similarity: float, bands: int, rows: int) -> float:
    """Chance that two sets of this Jaccard similarity share at least one band."""
    return 1 - (1 - similarity ** rows) ** bands
