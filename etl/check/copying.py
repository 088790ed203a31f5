"""copying: near-identical indicator sets across projects, departments or years.

Each filing's indicators become a set of folded (name, target) pairs; two
filings whose sets have a Jaccard similarity at or above the threshold (both
sets at least `min_indicators` long) are linked, and linked filings form a
cluster. A filing is never compared with itself, and a filing is not compared
with one of the same department, year and project (a target table and its
self-evaluation share indicators by design; so do two copies of one filing).
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import duckdb
import pyarrow as pa

from etl.bulk import POOL
from etl.measures import fold
from etl.records import Filing, Finding

from .minhash import band_hashes, band_hashes_many
from .registry import REGISTRY, rule
from .settings import Settings, load_settings


_NUMBERED = re.compile(r"^指标\d+[:：]")


@lru_cache(maxsize=1 << 16)
def _norm(text: str | None) -> str:
    # memoised: asked of each indicator's name and target where bands are computed and again where the copy
    # check reads its filings (~4 calls an indicator row), and a function of the text alone
    return _NUMBERED.sub("", fold(text or "")).strip("。.")


def indicator_set(filing: Filing) -> frozenset[str]:
    return frozenset(f"{_norm(i.name)}→{_norm(i.target)}" for i in filing.indicators if _norm(i.name))


def _key(f: Filing, idx: int) -> str:
    return f.filing_id or f"#{idx}"


def _expected_pair(a: Filing, b: Filing) -> bool:
    same_dept = _norm(a.department) == _norm(b.department) and bool(_norm(a.department))
    if not same_dept or a.year != b.year:
        return False
    if _norm(a.project) == _norm(b.project):
        return True
    kinds = {a.doc_kind.rsplit("_", 1)[-1], b.doc_kind.rsplit("_", 1)[-1]}
    return kinds == {"target", "eval"} and a.doc_kind.split("_")[0] == b.doc_kind.split("_")[0]


_ANCHORS = 3

# Representatives that share a (band, hash): the candidate pairs, in the engine. Bands stored
# at ingest (copy_bands) are used where a filing has them; the others' come in copy_bands_new.
_CANDIDATES_SQL = """
    WITH b AS (
        SELECT r.idx, c.band, c.hash FROM copy_reps r JOIN copy_bands c ON c.filing_id = r.filing_id
        UNION ALL
        SELECT idx, band, hash FROM copy_bands_new
    )
    SELECT DISTINCT x.idx, y.idx FROM b x JOIN b y ON x.band = y.band AND x.hash = y.hash AND x.idx < y.idx
"""


def filing_bands(filing: Filing, settings: Settings | None = None) -> list[tuple[str, int, int]]:
    """The filing's copy_bands rows (filing_id, band, hash), computed where the filing is read."""
    settings = settings or load_settings()
    return [(filing.filing_id, band, h) for band, h in
            band_hashes(indicator_set(filing), settings.copy_bands, settings.copy_band_rows)]


def many_filing_bands(filings: list[Filing], settings: Settings | None = None) -> list[list[tuple[str, int, int]]]:
    """filing_bands of each filing, the same rows, their MinHash computed over all the filings at once."""
    settings = settings or load_settings()
    many = band_hashes_many([indicator_set(f) for f in filings], settings.copy_bands, settings.copy_band_rows)
    return [[(f.filing_id, band, h) for band, h in got] for f, got in zip(filings, many)]


def _band_candidates(filings: list[Filing], sets: list[frozenset], reps: list[int], settings: Settings,
                     con=None) -> set[tuple[int, int]]:
    """Pairs of representatives (i < j) sharing any (band, hash) of their MinHash signatures.

    `con` holds a copy_bands table (or a view of the lake's): the bands computed per filing at
    ingest. Filings without stored bands (no connection, an in-memory list, a database loaded
    before the table existed) have theirs computed here, with the same function.
    """
    own = con is None
    if own:
        con = duckdb.connect()
    try:
        has_table = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'copy_bands' "
                                "UNION ALL SELECT count(*) FROM duckdb_views() WHERE view_name = 'copy_bands'"
                                ).fetchall()
        if not any(n for (n,) in has_table):
            con.execute("CREATE TEMP TABLE copy_bands (filing_id VARCHAR, band INTEGER, hash BIGINT)")
        con.register("copy_reps", pa.table({"idx": pa.array(reps, pa.int64(), memory_pool=POOL),
                                            "filing_id": pa.array([filings[i].filing_id for i in reps], pa.string(), memory_pool=POOL)}))
        stored = {i for (i,) in con.execute(
            "SELECT DISTINCT r.idx FROM copy_reps r JOIN copy_bands c ON c.filing_id = r.filing_id").fetchall()}
        new = [(i, band, h) for i in reps if i not in stored
               for band, h in band_hashes(sets[i], settings.copy_bands, settings.copy_band_rows)]
        con.register("copy_bands_new", pa.table({  # Arrow, not pandas: an import never loads pandas (etl/bulk.py)
            "idx": pa.array([r[0] for r in new], pa.int64(), memory_pool=POOL),
            "band": pa.array([r[1] for r in new], pa.int32(), memory_pool=POOL),
            "hash": pa.array([r[2] for r in new], pa.int64(), memory_pool=POOL)}))
        return {(int(i), int(j)) for i, j in con.execute(_CANDIDATES_SQL).fetchall()}
    finally:
        con.unregister("copy_reps")
        try:
            con.unregister("copy_bands_new")
        except Exception:  # not registered when the first query failed
            pass
        if own:
            con.close()


def _edges(filings: list[Filing], settings: Settings, con=None) -> dict[tuple[int, int], float]:
    """Pairs of filings at or above the similarity threshold.

    Comparing every pair is quadratic (20k filings took minutes), so:
    filings with identical sets are chained and compared once, through one
    representative; representatives are candidates when they share a MinHash
    band (`_band_candidates`: near-linear, and a pair at the threshold is a
    candidate with probability ~1). The similarity of each candidate is then exact.
    """
    sets = [indicator_set(f) for f in filings]
    same: dict[frozenset, list[int]] = defaultdict(list)
    for i, st in enumerate(sets):
        if len(st) >= settings.copy_min_indicators:
            same[st].append(i)
    reps = [members[0] for members in same.values()]
    candidates = _band_candidates(filings, sets, reps, settings, con)
    for members in same.values():
        # identical sets: each member against the first few (a target table and its own
        # self-evaluation are never linked, so one anchor is not enough)
        candidates.update((a, m) for m in members[1:] for a in members[:_ANCHORS + 1] if a < m)
    edges: dict[tuple[int, int], float] = {}

    def link(i: int, j: int, sim: float | None = None) -> None:
        if i == j:
            return
        if sim is None:
            sim = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        if sim < settings.copy_jaccard - 1e-9:
            return  # most candidates: the set operation is cheaper than the department test below
        a, b = filings[i], filings[j]
        if _key(a, i) == _key(b, j) or _expected_pair(a, b):
            return
        edges[(min(i, j), max(i, j))] = sim

    for i, j in candidates:
        link(i, j)
    # the other members of a representative's group share its links (a self-evaluation
    # whose set is identical to its own target table's is not linked to that table)
    group_of = {m: members for members in same.values() for m in members}
    neighbours: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (i, j), sim in edges.items():
        neighbours[i].append((j, sim))
        neighbours[j].append((i, sim))
    for rep, near in neighbours.items():
        if group_of[rep][0] != rep:
            continue
        near.sort(key=lambda t: -t[1])
        for m in group_of[rep][1:]:
            for b, sim in near[:_ANCHORS]:  # a few are enough to place it in the cluster
                link(m, b, sim)
    return edges


def _clusters(filings, settings, con=None):
    edges = _edges(filings, settings, con)
    parent = list(range(len(filings)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = defaultdict(float)
    for (i, j), sim in edges.items():
        parent[find(i)] = find(j)
        best[i], best[j] = max(best[i], sim), max(best[j], sim)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in best:
        groups[find(i)].append(i)
    out = [sorted(g, key=lambda i: (-best[i], _key(filings[i], i))) for g in groups.values()]
    out.sort(key=lambda g: (-len(g), -best[g[0]], _key(filings[g[0]], g[0])))
    return out, best, edges


def copy_clusters(filings: list[Filing], settings: Settings | None = None) -> list[list[tuple[str, float]]]:
    """Clusters of near-identical filings: [[(filing_id, best similarity to another member), ...], ...]."""
    settings = settings or load_settings()
    groups, best, _ = _clusters(filings, settings)
    return [[(_key(filings[i], i), round(best[i], 4)) for i in g] for g in groups]


def _describe(f: Filing) -> str:
    parts = [p for p in (f.department, f.project, f"{f.year}年" if f.year else None) if p]
    return "／".join(parts) or (f.source_file or f.filing_id or "?")


@rule("COPY_SIMILAR_INDICATORS", "copying", "warning", "指标与其他项目、部门或年度几乎相同",
      scope="corpus", example="ex_copying")
def _copy_rule(filings, ctx):
    groups, best, edges = getattr(ctx, "clustered", None) or _clusters(filings, ctx.settings)
    linked: dict[int, list[tuple[int, float]]] = defaultdict(list)  # only the filings compared directly
    for (i, j), sim in edges.items():
        linked[i].append((j, sim))
        linked[j].append((i, sim))
    for n, g in enumerate(groups, start=1):
        for i in g:
            others = sorted(linked[i], key=lambda t: (-(t[1] or 0), t[0]))
            named = "；".join(f"{_describe(filings[j])}" + (f"（相似度 {sim:.0%}）" if sim else "")
                             for j, sim in others[:5])
            more = f" 等 {len(others)} 份" if len(others) > 5 else ""
            yield i, None, (f"本表 {len(indicator_set(filings[i]))} 项指标（名称+指标值）与以下填报几乎相同：{named}{more}；"
                            f"不同项目、部门或年度的指标应按各自的产出和效益设定（相似组 {n}，阈值 "
                            f"{ctx.settings.copy_jaccard:.0%}）。"), f"相似组={n}；最高相似度={best[i]:.2f}"


class _Ctx:
    def __init__(self, settings, clustered=None):
        self.settings = settings
        self.clustered = clustered  # a _clusters() result already computed for these filings


def _findings(filings: list[Filing], ctx: _Ctx) -> list[Finding]:
    r = REGISTRY["COPY_SIMILAR_INDICATORS"]
    return [
        Finding(rule=r.id, family=r.family, severity=r.severity, message=message,
                indicator_seq=seq, filing_id=filings[i].filing_id, evidence=evidence)
        for i, seq, message, evidence in _copy_rule(filings, ctx)
    ]


def copy_findings(filings: list[Filing], settings: Settings | None = None) -> list[Finding]:
    """One `copying` finding for every filing in a cluster (indicator_seq NULL)."""
    return _findings(filings, _Ctx(settings or load_settings()))


def copy_analysis(filings: list[Filing], settings: Settings | None = None, con=None) -> tuple[list, list[Finding]]:
    """copy_clusters and copy_findings from one clustering pass (the costly part).

    `con`: a connection whose copy_bands table (or view) holds the filings' bands from ingest."""
    settings = settings or load_settings()
    clustered = _clusters(filings, settings, con)
    groups, best, _ = clustered
    clusters = [[(_key(filings[i], i), round(best[i], 4)) for i in g] for g in groups]
    return clusters, _findings(filings, _Ctx(settings, clustered))
