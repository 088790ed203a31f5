"""soft: targets that were not set to be met, and self-scores the money does not bear out.

Four rules compare a filing with other filings (scope 'corpus', run by
`soft_findings`): the same indicator (etl.link.keys) in the same department's
or project's filing of the year before (etl.link.series), or in the peers'
filings of the same year and province. Two rules read one filing (scope
'filing'): a full self-score that the filing itself contradicts, and a high
self-score on money left unspent. Thresholds live in settings.toml [soft].
"""
from __future__ import annotations

from collections import defaultdict

from etl.records import Filing, Finding

from .facts import SELF_EVAL_KINDS, exec_rate, fmt, lower_is_better, met, row_label, show
from .metrics import self_score
from .reason_categories import is_reason_placeholder
from .registry import REGISTRY, rule
from .series_index import Obs, SeriesIndex
from .settings import Settings, load_settings
from .values import ftext


def _better(o: Obs, idx: SeriesIndex) -> str:
    """'ge' when a higher value is the better result, else 'le' (an '=' target goes by its name)."""
    if o.direction == "eq":
        return "le" if lower_is_better(o.ind, idx.settings) else "ge"
    return o.direction


def _tol(x: float, settings: Settings) -> float:
    return max(abs(x) * settings.equal_rel_tolerance, 1e-9)


def _softer(a: float, b: float, better: str, settings: Settings) -> bool:
    """a is an easier target than b."""
    return a < b - _tol(b, settings) if better == "ge" else a > b + _tol(b, settings)


def _judged(o: Obs, idx: SeriesIndex) -> bool:
    return o.judged and o.family not in idx.skip_families


def _year(idx: SeriesIndex, o: Obs) -> str:
    y = idx.filings[o.fi].year
    return f"{y}年" if y else "本年"


def _num(x: float | None, unit: str | None) -> str:
    return f"{fmt(x)}{unit or ''}"


def _pairs(idx: SeriesIndex):
    """Every judged row with the same indicator's row of last year."""
    for rows in idx.rows:
        for o in rows:
            if not _judged(o, idx):
                continue
            p = idx.last_year(o)
            if p is not None:
                yield o, p


def _index(filings, ctx) -> SeriesIndex:
    got = getattr(ctx, "series", None)
    if got is None or got.filings is not filings:
        got = SeriesIndex(filings, ctx.settings)
        ctx.series = got
    return got


@rule("SOFT_TARGET_LOWERED", "soft", "warning", "指标值比上年调低（目标变软）", scope="corpus", example="ex_soft_lowered")
def _lowered(filings, ctx):
    """The same indicator (same key) of the same department or project had a harder target last year:
    lower for a higher-is-better row, higher for a lower-is-better (≤) row. Money rows (costs follow
    the budget) and satisfaction surveys are not judged."""
    idx = _index(filings, ctx)
    for o, p in _pairs(idx):
        better = _better(o, idx)
        if not _softer(o.target, p.target, better, idx.settings):
            continue
        word = "调低" if better == "ge" else "放宽（调高上限）"
        yield o.fi, o.ind.seq, (
            f"{row_label(o.ind)}{_year(idx, o)}指标值{show(o.ind.target)}，比上年（{_year(idx, p)}）同一指标的指标值"
            f"{show(p.ind.target)}{word}（上年见{idx.where(p)}）；目标应保持或提高，调低须说明理由。"
        ), f"本年指标值={_num(o.target, o.unit)}（{idx.where(o)}）；上年指标值={_num(p.target, p.unit)}（{idx.where(p)}）"


@rule("SOFT_TARGET_BELOW_LAST_ACTUAL", "soft", "info", "指标值低于上年实际完成值", scope="corpus",
      example="ex_soft_lowered")
def _below_last_actual(filings, ctx):
    """This year's target is easier than what the same department or project already achieved on the same
    indicator last year (direction-aware): a target set to be met, not to improve."""
    idx = _index(filings, ctx)
    for o, p in _pairs(idx):
        if p.actual is None or p.actual_unit != o.unit:
            continue
        if not _softer(o.target, p.actual, _better(o, idx), idx.settings):
            continue
        yield o.fi, o.ind.seq, (
            f"{row_label(o.ind)}{_year(idx, o)}指标值{show(o.ind.target)}，而上年（{_year(idx, p)}）同一指标已完成"
            f"{show(p.ind.actual)}（见{idx.where(p)}）；指标值低于已达到的水平，不能体现绩效提升。"
        ), f"本年指标值={_num(o.target, o.unit)}（{idx.where(o)}）；上年实际完成值={_num(p.actual, p.actual_unit)}（{idx.where(p)}）"


def _exceeded(o: Obs, idx: SeriesIndex) -> bool:
    if o.actual is None or o.target is None or o.actual_unit != o.unit:
        return False
    factor = idx.settings.soft("exceed_factor", 1.5)
    if _better(o, idx) == "ge":
        return o.target >= idx.settings.soft("exceed_min_target", 1.0) and o.actual >= factor * o.target
    return o.target > 0 and o.actual * factor <= o.target


@rule("SOFT_ALWAYS_EXCEEDED", "soft", "warning", "连续多年大幅超额完成（目标定得过低）", scope="corpus",
      example="ex_soft_exceeded")
def _always_exceeded(filings, ctx):
    """A self-evaluated row whose actual reached the setting's multiple of its target (×1.5 by default, the
    reverse for ≤ rows) in this year and in each of the years before it (`exceed_years` in all)."""
    idx = _index(filings, ctx)
    years = idx.settings.soft("exceed_years", 2)
    for rows in idx.rows:
        for o in rows:
            if not _judged(o, idx) or not _exceeded(o, idx):
                continue
            chain, cur = [o], o
            while len(chain) < years:
                cur = idx.last_year(cur)
                if cur is None or not _exceeded(cur, idx):
                    break
                chain.append(cur)
            if len(chain) < years:
                continue
            told = "；".join(f"{_year(idx, c)}指标值{show(c.ind.target)}、完成{show(c.ind.actual)}（{idx.where(c)}）"
                            for c in chain)
            yield o.fi, o.ind.seq, (
                f"{row_label(o.ind)}连续{years}年实际完成值达到指标值的 {idx.settings.soft('exceed_factor', 1.5):g} 倍以上："
                f"{told}；指标值定得过低，应按实际能力设定。"
            ), "；".join(f"{_year(idx, c)}: 指标值={_num(c.target, c.unit)}, 实际={_num(c.actual, c.actual_unit)}"
                        for c in chain)


def _quantile(v: list[float], q: float, skip: int | None = None) -> float:
    """Linear-interpolated quantile of the sorted list v, leaving out position `skip` (O(1), no copy)."""
    n = len(v) - (skip is not None)

    def at(k: int) -> float:
        return v[k + 1] if skip is not None and k >= skip else v[k]

    pos = (n - 1) * q
    lo = int(pos)
    hi = min(lo + 1, n - 1)
    return at(lo) + (at(hi) - at(lo)) * (pos - lo)


@rule("SOFT_PEER_OUTLIER", "soft", "info", "指标值明显低于同类单位", scope="corpus", example="ex_soft_peers")
def _peer_outlier(filings, ctx):
    """For the same indicator key in the same year and province, a target below the peers' 25th percentile
    (above their 75th for ≤ rows) by more than `peer_margin_points` percentage points (rates) or
    `peer_margin` of it (other units), with at least `peer_min` peers. A peer is another department or
    project (one value each); only rates are compared by default."""
    idx = _index(filings, ctx)
    s = idx.settings
    fams = set(s.soft("peer_unit_families", ["%"]))
    groups: dict[tuple, dict[str, Obs]] = defaultdict(dict)
    for rows in idx.rows:
        for o in rows:
            m = idx.members[o.fi]
            f = idx.filings[o.fi]
            if m is None or not idx.judged(o) or idx.unit_family(o) not in fams:
                continue
            groups[(o.key, o.unit, f.year, ftext(f.province))].setdefault(m.series_id, o)
    n_min, q, margin = s.soft("peer_min", 5), s.soft("peer_quantile", 0.25), s.soft("peer_margin", 0.05)
    points = s.soft("peer_margin_points", 2.0)
    for (key, unit, year, _), by_series in groups.items():
        if len(by_series) - 1 < n_min:
            continue
        ranked = sorted(by_series.items(), key=lambda kv: kv[1].target)
        values = [o.target for _, o in ranked]
        for k, (sid, first) in enumerate(ranked):
            n_peers = len(values) - 1
            better = _better(first, idx)
            bound = _quantile(values, q if better == "ge" else 1 - q, skip=k)
            # rates differ by points (≤1% against ≤1.5% is no outlier); other units by a share
            gap = points if unit == "%" else abs(bound) * margin
            low = first.target < bound - gap if better == "ge" else first.target > bound + gap
            if not low:
                continue
            lo_v = values[1] if k == 0 else values[0]
            hi_v = values[-2] if k == len(values) - 1 else values[-1]
            pct = int(round(q * 100)) if better == "ge" else int(round((1 - q) * 100))
            for o in _series_rows(idx, sid, year, key, unit):
                yield o.fi, o.ind.seq, (
                    f"{row_label(o.ind)}{year}年指标值{show(o.ind.target)}，同省同年度另有 {n_peers} 个单位或项目设置了同一指标，"
                    f"其指标值的第{pct}百分位为 {_num(bound, unit)}（中位数 {_num(_quantile(values, 0.5, skip=k), unit)}）；"
                    f"指标值明显{'低于' if better == 'ge' else '高于'}同类单位，目标偏软。"
                ), f"本单位={_num(o.target, unit)}（{idx.where(o)}）；同类 {n_peers} 个：P{pct}={_num(bound, unit)}，最小={_num(lo_v, unit)}，最大={_num(hi_v, unit)}"


def _series_rows(idx: SeriesIndex, sid: str, year, key: str, unit):
    """The rows with this key in every filing of the series in that year."""
    cache = getattr(idx, "_by_series_year", None)
    if cache is None:
        cache = defaultdict(list)
        for i, m in enumerate(idx.members):
            if m is not None:
                cache[(m.series_id, idx.filings[i].year)].append(i)
        idx._by_series_year = cache
    for i in cache.get((sid, year), []):
        for o in idx.rows[i]:
            if o.key == key and o.unit == unit and idx.judged(o):
                yield o


# --------------------------------------------------------------------------- one filing


def _is_full(score: float | None, filing: Filing, settings: Settings) -> bool:
    top = filing.total_weight if filing.total_weight else sum(settings.weights.values())
    return score is not None and score >= top - settings.tolerance


@rule("SOFT_FULL_SCORE_DEVIATION", "soft", "warning", "自评满分却写了偏差原因或有未完成指标",
      example="ex_soft_full_score")
def _full_score_deviation(filing: Filing, ctx):
    """A self-evaluation scored in full (总分 = 总分值) while its own rows say otherwise: a deviation reason is
    written, or a quantitative row missed its target."""
    s = ctx.settings
    if filing.doc_kind not in SELF_EVAL_KINDS:
        return
    score = self_score(filing)
    if not _is_full(score, filing, s):
        return
    with_reason = [i for i in filing.indicators if ftext(i.reason) and not is_reason_placeholder(i.reason)]
    missed = [i for i in filing.indicators if met(i, s) is False]
    if not with_reason and not missed:
        return
    said = []
    if missed:
        said.append("未达成的指标：" + "、".join(f"{row_label(i)}（指标值{show(i.target)}，完成{show(i.actual)}）"
                                           for i in missed[:3]) + (f" 等 {len(missed)} 项" if len(missed) > 3 else ""))
    if with_reason:
        said.append("写了偏差原因的指标：" + "、".join(f"{row_label(i)}（{show(i.reason)}）" for i in with_reason[:3])
                    + (f" 等 {len(with_reason)} 项" if len(with_reason) > 3 else ""))
    yield None, (f"自评总分 {fmt(score)} 分（满分），但表内{'；'.join(said)}；有偏差就不应得满分，自评结论自相矛盾。"), \
        f"总分={fmt(score)}；未达成={len(missed)}；有偏差原因={len(with_reason)}"


@rule("SOFT_EXEC_LOW_SCORE_HIGH", "soft", "warning", "预算执行率低而自评得分高", example="ex_soft_exec_low")
def _exec_low_score_high(filing: Filing, ctx):
    """执行率 (B/A, else the printed rate) below `exec_rate_low` while the self-score is at least
    `self_score_high`: the score does not reflect the money left unspent."""
    s = ctx.settings
    if filing.doc_kind not in SELF_EVAL_KINDS + ("self_eval_report",):
        return
    rate, score = exec_rate(filing), self_score(filing)
    low, high = s.soft("exec_rate_low", 0.8), s.soft("self_score_high", 95.0)
    if rate is None or score is None or rate >= low or score < high:
        return
    yield None, (f"预算执行率 {rate:.1%}（全年预算数 {fmt(filing.budget_adjusted)} 万元，执行数 {fmt(filing.budget_executed)} 万元），"
                 f"低于 {low:.0%}，自评得分却为 {fmt(score)} 分（不低于 {high:g} 分）；资金大量未使用时高分缺乏依据。"), \
        f"执行率={rate:.4f}；自评得分={fmt(score)}；来源：{filing.source_file or filing.filing_id or '本表'}"


# --------------------------------------------------------------------------- running


class _Ctx:
    def __init__(self, settings: Settings, series: SeriesIndex | None = None):
        self.settings = settings
        self.series = series


def iter_soft_findings(filings: list[Filing], settings: Settings | None = None, series: SeriesIndex | None = None):
    """Findings of the corpus rules of family 'soft' (cross-year and peer comparisons), one at a time."""
    ctx = _Ctx(settings or load_settings(), series)
    for r in REGISTRY.values():
        if r.scope != "corpus" or r.family != "soft":
            continue
        for i, seq, message, evidence in r.fn(filings, ctx):
            yield Finding(rule=r.id, family=r.family, severity=r.severity, message=message,
                          indicator_seq=seq, filing_id=filings[i].filing_id, evidence=evidence)


def soft_findings(filings: list[Filing], settings: Settings | None = None,
                  series: SeriesIndex | None = None) -> list[Finding]:
    """Findings of the corpus rules of family 'soft' (cross-year and peer comparisons)."""
    return list(iter_soft_findings(filings, settings, series))
