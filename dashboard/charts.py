"""Plotly figures built from query results (aggregated in the database, not per row).

Plotly reads a few HTML tags in any text (<b>, <br>, <a>), so every label that
comes from a filing is escaped first: it shows as typed, never as markup.
"""
from __future__ import annotations

import functools
import html
import math

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.labels import FAMILIES, REASONS, SEVERITIES, bands
from etl.measures import EXEC_LOW, GRADES

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# A scatter's points, a stable sample: 1,000 show the shape as well as 2,000 and halve the browser's drawing
SCATTER_POINTS = 1000
SEVERITY_COLORS = {"error": "#d62728", "warning": "#ff9f1c", "info": "#7f8c8d"}


def safe(v) -> str:
    return html.escape("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v), quote=False)


def _layout(fig: go.Figure, title: str, x: str = "", y: str = "", height: int = 380) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, font=dict(size=16)), font=dict(family=FONT), height=height,
        margin=dict(l=10, r=10, t=50, b=10), xaxis_title=x, yaxis_title=y,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        separators=".,",  # decimal point, thousands separator (12,345.6)
    )
    # never "10k" (SI prefixes): plain numbers with thousands separators; counts get 万 ticks (count_axis)
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    return fig


def wan(v: float) -> str:
    """A count as read in Chinese: 12,000 is 1.2万, below 10,000 with a thousands separator."""
    if abs(v) >= 10_000:
        return f"{v / 10_000:.4g}万"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def count_ticks(top: float) -> tuple[list[float], list[str]]:
    """Ticks for a count axis from 0 to `top`: whole steps (1, 2, 2.5, 5 × 10^k; never a repeated tick such as
    0, 0, 1, 1 from fractional steps), about five of them, labelled with 万 from 10,000 on."""
    top = float(top) if top is not None and math.isfinite(float(top)) else 0.0  # no values: NaN, None
    top = max(top, 1.0)
    raw = top / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    step = max(1.0, step if step >= 1 else 1.0)
    if step != int(step):  # 2.5 only from 25 on, so steps stay whole
        step = float(int(step) + 1)
    vals, v = [], 0.0
    while v <= top + 1e-9:
        vals.append(v)
        v += step
    vals.append(v)
    return vals, [wan(x) for x in vals]


def count_axis(fig: go.Figure, top: float, axis: str = "y") -> go.Figure:
    vals, text = count_ticks(top)
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tickmode="array", tickvals=vals, ticktext=text,
                                                              range=[0, vals[-1]])
    return fig


class Filled(go.Figure):
    """A figure as Plotly's own dict, sent as it is: a skeleton Plotly built and checked once (filled_in).

    st.plotly_chart takes a figure's to_dict() as already checked and serialises it: what is built here is sent
    without Plotly's checking every point again. Only to_dict and to_json are offered (what st.plotly_chart and
    the tests read); the figure is not meant to be changed after it is built.
    """

    def __init__(self, spec: dict):  # noqa: D107 - Plotly's own __init__ would check the whole figure again
        self.__dict__["_spec"] = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    def to_json(self, *args, **kwargs) -> str:
        return pio.to_json(self._spec, *args, validate=False, **kwargs)


@functools.lru_cache(maxsize=256)
def _skeleton(build, *args) -> dict:
    """The figure `build(*args)` makes (one made-up point per trace), as Plotly's checked dict: the layout,
    colour scales, hover texts and lines across, built once per process and per arguments."""
    return build(*args).to_dict()


def _put(node: dict, path: str, value) -> None:
    """node[a][b][c] = value for the path "a.b.c", copying the dicts on the way (they are the skeleton's)."""
    *parents, leaf = path.split(".")
    for part in parents:
        node[part] = dict(node.get(part) or {})
        node = node[part]
    node[leaf] = value


def filled_in(build, args: tuple, traces: list[dict], layout: dict | None = None) -> Filled:
    """The skeleton `build(*args)` with the data put in: traces[i] maps a path ("x", "marker.color") to trace i's
    values, `layout` a path ("height", "yaxis.tickvals") to the layout's. The skeleton is shared by every page
    run, so only the dicts along those paths are copied.

    Plotly checks every value of a figure as it is built (a scatter of 1,000 points took 40-50 ms, and 30 ms
    more to copy it for sending; a bar chart 10-20 ms, most of it its layout), on every page run, although
    all but the data is the same each time. The values put in are the ones Plotly would have sent: lists of
    numbers (None for a missing one) and strings.
    """
    spec = _skeleton(build, *args)
    data = [dict(t) for t in spec["data"]]
    for trace, arrays in zip(data, traces):
        for path, values in arrays.items():
            _put(trace, path, values)
    out = dict(spec["layout"])
    for path, value in (layout or {}).items():
        _put(out, path, value)
    return Filled({"data": data, "layout": out})


def count_axis_spec(top: float, axis: str = "y") -> dict:
    """count_axis as layout paths for filled_in."""
    vals, text = count_ticks(top)
    a = f"{axis}axis"
    return {f"{a}.tickmode": "array", f"{a}.tickvals": vals, f"{a}.ticktext": text, f"{a}.range": [0, vals[-1]]}


def _plain(values) -> list:
    """Values as JSON numbers (numpy's as Python's, a missing one as None, as Plotly sends NaN)."""
    out = []
    for v in values:
        v = v.item() if hasattr(v, "item") else v
        out.append(None if isinstance(v, float) and v != v else v)
    return out


def _labels(df: pd.DataFrame) -> list[str]:
    return [f"{safe(p)} {safe(d)} {y}" for p, d, y in zip(df["place"], df["department"], df["year"])]


def _floats(col: pd.Series) -> list:
    """A column's values as JSON numbers (a missing value as None, as Plotly sends NaN)."""
    return [None if v != v else v for v in col.astype("float64").tolist()]


FINDING_SEVERITIES = ("error", "warning", "info")


def _findings_bar_skeleton() -> go.Figure:
    fig = go.Figure()
    for sev in FINDING_SEVERITIES:
        fig.add_bar(name=SEVERITIES[sev], x=["甲"], y=[1], marker_color=SEVERITY_COLORS[sev], customdata=[["甲", sev]],
                    hovertemplate="%{x} · " + SEVERITIES[sev] + "：%{y:,}<extra></extra>")
    fig.update_layout(barmode="stack")
    return _layout(fig, "问题按类别和严重程度", "问题类别", "问题数")


def findings_bar(df: pd.DataFrame) -> go.Figure:
    order = (df.groupby("family")["n"].sum().sort_values(ascending=False).index.tolist()) if len(df) else []
    x = [FAMILIES.get(f, safe(f)) for f in order]
    traces = []
    for sev in FINDING_SEVERITIES:
        part = df[df["severity"] == sev].set_index("family").reindex(order).fillna({"n": 0})
        traces.append({"x": x, "y": _plain(part["n"].tolist()), "customdata": [[f, sev] for f in order]})
    return filled_in(_findings_bar_skeleton, (), traces,
                     count_axis_spec(df.groupby("family")["n"].sum().max() if len(df) else 0))


def band_bar(df: pd.DataFrame, width: float, title: str, x_title: str, percent: bool = False,
             threshold: float | None = None) -> go.Figure:
    """Counts per band [lo, lo + width) as bars; customdata holds the band's bounds."""
    scale = 100 if percent else 1
    labels = [f"{lo * scale:g}–{(lo + width) * scale:g}" + ("%" if percent else "") for lo in df["lo"]]
    colors = ["#d62728" if threshold is not None and lo + width <= threshold + 1e-9 else "#1f77b4" for lo in df["lo"]]
    return filled_in(_band_bar_skeleton, (title, x_title), [{
        "x": labels, "y": _plain(df["n"].tolist()), "marker.color": colors,
        "customdata": [[lo, lo + width] for lo in _plain(df["lo"].tolist())]}],
        count_axis_spec(df["n"].max() if len(df) else 0))


def _band_bar_skeleton(title: str, x_title: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=["甲"], y=[1], marker_color=["#1f77b4"], customdata=[[0, 1]],
                           hovertemplate="%{x}：%{y:,} 份<extra></extra>"))
    return _layout(fig, title, x_title, "填报数")


def _box_skeleton(title: str, x_title: str) -> go.Figure:
    fig = go.Figure(go.Box(x=["甲"], q1=[1], median=[2], q3=[3], lowerfence=[0], upperfence=[4], name="自评得分",
                           marker_color="#1f77b4", boxpoints=False))
    return _layout(fig, title, x_title, "自评得分")


def box_precomputed(df: pd.DataFrame, title: str, x_title: str) -> go.Figure:
    return filled_in(_box_skeleton, (title, x_title), [{
        "x": [safe(g) for g in df["grp"]], "q1": _floats(df["q1"]), "median": _floats(df["q2"]),
        "q3": _floats(df["q3"]), "lowerfence": _floats(df["lo"]), "upperfence": _floats(df["hi"])}])


def grade_legend() -> str:
    """'优 ≥90 · 良 80–90 · 中 60–80 · 差 <60' from the grade settings."""
    parts, above = [], None
    for i, (g, low) in enumerate(GRADES):
        if i == 0:
            parts.append(f"{g} ≥{low:g}")
        elif i == len(GRADES) - 1:
            parts.append(f"{g} <{above:g}")
        else:
            parts.append(f"{g} {low:g}–{above:g}")
        above = low
    return " · ".join(parts)


def _grade_bar_skeleton() -> go.Figure:
    names = [g for g, _ in GRADES]
    fig = go.Figure()
    fig.add_bar(name="自评等级", x=names, y=[0] * len(names), marker_color="#1f77b4")
    fig.add_bar(name="复核等级", x=names, y=[0] * len(names), marker_color="#ff7f0e")
    fig.update_layout(barmode="group", hovermode="x")
    fig.update_traces(hovertemplate="%{x}：%{y:,} 份")
    return _layout(fig, f"等级分布：{grade_legend()}", "等级", "填报数")


def grade_bar(df: pd.DataFrame) -> go.Figure:
    names = [g for g, _ in GRADES]
    d = df.set_index("grade").reindex(names).fillna(0)
    return filled_in(_grade_bar_skeleton, (), [{"y": _plain(d["self_n"].tolist())},
                                               {"y": _plain(d["recomputed_n"].tolist())}],
                     count_axis_spec(max(d["self_n"].max(), d["recomputed_n"].max()) if len(d) else 0))


def _self_vs_recomputed_skeleton() -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=[0.0], y=[0.0], mode="markers", name="填报",
                    marker=dict(size=7, opacity=0.6, color=[0.0], colorscale="RdYlGn_r",
                                cmin=-10, cmax=20, colorbar=dict(title="虚高分")),  # fixed, as the heat maps
                    customdata=[["甲"]], text=["甲"],
                    hovertemplate="%{text}<br>自评 %{y:.1f} · 复核 %{x:.1f}<extra></extra>")
    fig.add_scatter(x=[0, 100], y=[0, 100], mode="lines", name="自评 = 复核", line=dict(dash="dash", color="#888"))
    return _layout(fig, "自评得分与复核得分（对角线以上为自评虚高）", "复核得分", "自评得分", height=460)


def self_vs_recomputed(df: pd.DataFrame) -> go.Figure:
    return filled_in(_self_vs_recomputed_skeleton, (), [{
        "x": _floats(df["score_recomputed"]), "y": _floats(df["total_score"]),
        "marker.color": _floats(df["inflation"]), "customdata": [[v] for v in df["filing_id"].tolist()],
        "text": _labels(df)}])


def _budget_scatter_skeleton(threshold: float) -> go.Figure:
    fig = go.Figure(go.Scatter(
        x=[1.0], y=[1.0], mode="markers",
        # below the threshold red, else blue: 0/1 on a two-colour scale (a colour string per point was validated
        # one by one, 30 ms, and sent as 10 bytes a point)
        marker=dict(size=7, opacity=0.6, color=[0], colorscale=[[0, "#1f77b4"], [1, "#d62728"]], cmin=0, cmax=1,
                    showscale=False),
        customdata=[["甲"]], text=["甲"],
        hovertemplate="%{text}<br>预算 %{x:,.1f} 万元 · 执行率 %{y:.1%}<extra></extra>"))
    fig.add_hline(y=threshold, line_dash="dash", line_color="#d62728", annotation_text=f"阈值 {threshold:.0%}")
    fig.update_xaxes(type="log", tickformat=",~r")  # 1,000 万元, not 1k
    fig.update_yaxes(tickformat=".0%")
    return _layout(fig, "预算规模与执行率", "全年预算数（万元，对数坐标）", "执行率", height=440)


def budget_scatter(df: pd.DataFrame, threshold: float) -> go.Figure:
    return filled_in(_budget_scatter_skeleton, (float(threshold),), [{
        "x": _floats(df["budget_adjusted"]), "y": _floats(df["exec_rate"]),
        "marker.color": [int(r < threshold) for r in df["exec_rate"]],
        "customdata": [[v] for v in df["filing_id"].tolist()], "text": _labels(df)}])


RED, AMBER, LIGHT_GREEN, GREEN = "#d62728", "#f5b041", "#a9d18e", "#2ca02c"


def _steps(edges: list[float], colors: list[str], lo: float, hi: float) -> list:
    """A stepped colour scale: colors[i] between edges[i-1] and edges[i] on [lo, hi]."""
    out, start = [], 0.0
    for edge, color in zip(edges + [hi], colors):
        stop = (min(max(edge, lo), hi) - lo) / (hi - lo)
        out += [[start, color], [stop, color]]
        start = stop
    return out


def scale_for(metric: str) -> dict:
    """Fixed scales: the same value has the same colour whatever else is shown (thresholds from bands.toml)."""
    b = bands()
    if metric == "exec_rate":
        e = b["execution"]  # red below the measures' low 执行率 (the scorecard's and the soft rule's)
        return dict(zmin=0, zmax=1.2, colorscale=_steps([EXEC_LOW, e["green_from"]], [RED, AMBER, GREEN], 0, 1.2),
                    colorbar=dict(title="执行率", tickformat=".0%", tickvals=[0, EXEC_LOW, e["green_from"], 1.2]))
    if metric == "self_score":  # the 优良中差 bands of the checks' settings (etl/measures.py GRADES)
        edges = sorted(low for _, low in GRADES if low > 0)
        return dict(zmin=0, zmax=100, colorscale=_steps(edges, [RED, AMBER, LIGHT_GREEN, GREEN], 0, 100),
                    colorbar=dict(title="得分", tickvals=[0, *edges, 100]))
    if metric in ("vague_share", "no_reason_share", "inflation", "findings_per_filing"):
        # each metric's own bands (bands.toml): lower is better, green below, red from, amber between
        m = b[metric]
        share = metric.endswith("_share")
        lo = -10 if metric == "inflation" else 0
        hi = max(m["red_from"] * 2, m["red_from"] + 1e-9)
        return dict(zmin=lo, zmax=hi, colorscale=_steps([m["green_below"], m["red_from"]], [GREEN, AMBER, RED], lo, hi),
                    colorbar=dict(title="占比" if share else ("分" if metric == "inflation" else "个"),
                                  tickformat=".0%" if share else None,
                                  tickvals=[lo, m["green_below"], m["red_from"], hi]))
    return dict(colorscale="Blues", colorbar=dict(title="份"))


def heatmap(df: pd.DataFrame, value: str, title: str, percent: bool = False, metric: str = "exec_rate",
            mark: str | None = None) -> go.Figure:
    piv = df.pivot_table(index="place", columns="year", values=value, aggfunc="first")
    z = piv.values.tolist()
    text = [["" if pd.isna(v) else (f"{v:.0%}" if percent else f"{v:.1f}") for v in row] for row in piv.values]
    rows = [("★ " if mark is not None and i == mark else "") + safe(i) for i in piv.index]
    return filled_in(_heatmap_skeleton, (title, metric), [{
        "z": [_plain(r) for r in z], "x": [str(c) for c in piv.columns], "y": rows, "text": text}],
        {"height": max(320, 28 * len(piv.index) + 120)})


def _heatmap_skeleton(title: str, metric: str) -> go.Figure:
    fig = go.Figure(go.Heatmap(
        z=[[1.0]], x=["2020"], y=["甲"], text=[["甲"]], texttemplate="%{text}",
        hovertemplate="%{y} · %{x}：%{text}<extra></extra>", xgap=2, ygap=2, **scale_for(metric),
    ))
    fig.update_xaxes(type="category")
    return _layout(fig, title, "年度", "")


def category_stack(df: pd.DataFrame, title: str, x_title: str) -> go.Figure:
    fig = go.Figure()
    groups = list(dict.fromkeys(df["grp"]))
    for cat in sorted(df["category"].unique()):
        part = df[df["category"] == cat].set_index("grp").reindex(groups).fillna({"n": 0})
        fig.add_bar(name=REASONS.get(cat, safe(cat)), x=[safe(g) for g in groups], y=part["n"].tolist(),
                    customdata=[[g, cat] for g in groups], hovertemplate="%{x} · %{fullData.name}：%{y:,}<extra></extra>")
    fig.update_layout(barmode="stack")
    _layout(fig, title, x_title, "偏差原因条数", height=440)
    return count_axis(fig, df.groupby("grp")["n"].sum().max() if len(df) else 0)


def hbar(labels, values, title: str, x_title: str, percent: bool = False, customdata=None,
         count: bool = False) -> go.Figure:
    labels = [safe(v) for v in labels]
    values = _plain(values)
    arrays = {"x": values, "y": labels}
    if customdata is not None:
        arrays["customdata"] = [_plain(c) if isinstance(c, (list, tuple)) else c for c in customdata]
    layout = {"height": max(320, 24 * len(labels) + 100)}
    if count and not percent:  # how many: whole ticks, 万 from 10,000 on
        layout.update(count_axis_spec(max([float(v) for v in values if v is not None and v == v] or [0]), axis="x"))
    return filled_in(_hbar_skeleton, (title, x_title, percent, customdata is not None), [arrays], layout)


def _hbar_skeleton(title: str, x_title: str, percent: bool, clickable: bool) -> go.Figure:
    fig = go.Figure(go.Bar(x=[1], y=["甲"], orientation="h", marker_color="#1f77b4",
                           customdata=[["甲"]] if clickable else None,
                           hovertemplate="%{y}：%{x" + (":.1%" if percent else ":,.4~r") + "}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    _layout(fig, title, x_title, "")
    if percent:
        fig.update_xaxes(tickformat=".0%")
    return fig


def peers_chart(df: pd.DataFrame, title: str, percent: bool = False) -> go.Figure:
    d = df.sort_values(["province", "value"])
    x = [safe(p) for p in d["place"]]
    fig = go.Figure()
    fig.add_scatter(x=x, y=d["p50"].tolist(), mode="markers", name="同省 P50（P25–P75）",
                    marker=dict(symbol="line-ew-open", size=14, color="#888"),
                    error_y=dict(type="data", symmetric=False, array=(d["p75"] - d["p50"]).tolist(),
                                 arrayminus=(d["p50"] - d["p25"]).tolist(), color="#bbb", thickness=6, width=0))
    colors = ["#d62728" if v > hi else "#2ca02c" if v < lo else "#1f77b4"
              for v, lo, hi in zip(d["value"], d["p25"], d["p75"])]
    fig.add_scatter(x=x, y=d["value"].tolist(), mode="markers", name="本地区", marker=dict(size=10, color=colors))
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, title, "地区", "", height=440)


def yoy_bar(df: pd.DataFrame, title: str, percent: bool = False) -> go.Figure:
    d = df.dropna(subset=["change"])
    fig = go.Figure()
    for year in sorted(d["year"].unique()):
        part = d[d["year"] == year]
        fig.add_bar(name=f"{year} 较上年", x=[safe(p) for p in part["place"]], y=part["change"].tolist())
    fig.update_layout(barmode="group")
    if percent:
        fig.update_yaxes(tickformat="+.0%")
    return _layout(fig, title, "地区", "同比变化", height=420)


def benchmark_chart(df: pd.DataFrame, title: str, focus: str, percent: bool = False) -> go.Figure:
    """Per year: the peers' P25–P75 as a bar, P50 as a tick, the focus as a dot."""
    years = [str(y) for y in df["year"]]
    fig = go.Figure()
    fig.add_bar(x=years, y=(df["p75"] - df["p25"]).tolist(), base=df["p25"].tolist(), name="同组 P25–P75",
                marker_color="#c7d7e8", width=0.4, hoverinfo="skip")
    fig.add_scatter(x=years, y=df["p50"].tolist(), mode="markers", name="同组中位数 P50",
                    marker=dict(symbol="line-ew-open", size=28, color="#555", line=dict(width=3)))
    fig.add_scatter(x=years, y=df["value"].tolist(), mode="markers+lines", name=safe(focus),
                    marker=dict(size=12, color="#d62728"), line=dict(color="#d62728", dash="dot"))
    fig.update_xaxes(type="category")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return _layout(fig, title, "年度", "", height=380)



def warm_skeletons() -> None:
    """Build the skeletons whose arguments are known before any page runs (the first page's findings, the grade
    bars, both scatters at the default threshold): each is Plotly's checking of a whole figure once, 5-20 ms."""
    for build, args in ((_findings_bar_skeleton, ()), (_grade_bar_skeleton, ()), (_self_vs_recomputed_skeleton, ()),
                        (_budget_scatter_skeleton, (0.9,))):
        _skeleton(build, *args)
