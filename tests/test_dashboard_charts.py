"""Figures filled into skeletons (dashboard/charts.py filled_in) are the JSON Plotly itself builds from the same data.

The skeleton is Plotly's checked figure with one made-up point a trace, built once per process; a page's data is put
into its dict without Plotly checking each point again. Held here against figures Plotly builds point by point.
"""
from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts


def _spec(fig) -> dict:
    return json.loads(fig.to_json())


def _points() -> pd.DataFrame:
    return pd.DataFrame({"filing_id": ["F1", "F2", "F3"], "place": ["湖南省 攸县", "<b>县</b>", None],
                         "department": ["教育局", "卫健委", "水利局"], "year": [2023, 2024, 2023],
                         "score_recomputed": [88.5, math.nan, 70.0], "total_score": [95.0, 90.0, 71.5],
                         "inflation": [6.5, math.nan, 1.5], "budget_adjusted": [120.0, 3500.5, 8.0],
                         "exec_rate": [0.95, 0.42, math.nan]})


def test_a_scatter_filled_into_its_skeleton_is_what_plotly_builds():
    df = _points()
    text = [f"{charts.safe(p)} {charts.safe(d)} {y}" for p, d, y in zip(df["place"], df["department"], df["year"])]
    fig = go.Figure(go.Scatter(
        x=df["budget_adjusted"].tolist(), y=df["exec_rate"].tolist(), mode="markers",
        marker=dict(size=7, opacity=0.6, color=[int(r < 0.8) for r in df["exec_rate"]],
                    colorscale=[[0, "#1f77b4"], [1, "#d62728"]], cmin=0, cmax=1, showscale=False),
        customdata=df[["filing_id"]].values.tolist(), text=text,
        hovertemplate="%{text}<br>预算 %{x:,.1f} 万元 · 执行率 %{y:.1%}<extra></extra>"))
    fig.add_hline(y=0.8, line_dash="dash", line_color="#d62728", annotation_text="阈值 80%")
    fig.update_xaxes(type="log", tickformat=",~r")
    fig.update_yaxes(tickformat=".0%")
    charts._layout(fig, "预算规模与执行率", "全年预算数（万元，对数坐标）", "执行率", height=440)
    assert _spec(charts.budget_scatter(df, 0.8)) == _spec(fig)
    assert _spec(charts.budget_scatter(df.head(0), 0.8))["data"][0]["x"] == []


def test_bars_filled_into_their_skeletons_are_what_plotly_builds():
    hist = pd.DataFrame({"lo": [0.0, 5.0, 10.0], "n": [3, 12000, 23456]})
    labels = ["0–5", "5–10", "10–15"]
    fig = go.Figure(go.Bar(x=labels, y=hist["n"].tolist(), marker_color=["#d62728", "#d62728", "#1f77b4"],
                           customdata=[[lo, lo + 5.0] for lo in hist["lo"]],
                           hovertemplate="%{x}：%{y:,} 份<extra></extra>"))
    charts._layout(fig, "分布", "得分", "填报数")
    charts.count_axis(fig, 23456)
    assert _spec(charts.band_bar(hist, 5.0, "分布", "得分", threshold=10.0)) == _spec(fig)

    names, values = pd.Series(["甲", "<i>乙</i>", None]), pd.Series([12.0, math.nan, 30000.0])
    fig = go.Figure(go.Bar(x=list(values), y=[charts.safe(v) for v in names], orientation="h", marker_color="#1f77b4",
                           customdata=[["甲"], ["乙"], ["丙"]], hovertemplate="%{y}：%{x:,.4~r}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    charts._layout(fig, "次数", "次", "", height=max(320, 24 * 3 + 100))
    charts.count_axis(fig, 30000.0, axis="x")
    assert _spec(charts.hbar(names, values, "次数", "次", customdata=[["甲"], ["乙"], ["丙"]], count=True)) == _spec(fig)


def test_a_skeleton_is_not_changed_by_the_figures_filled_from_it():
    one = _spec(charts.band_bar(pd.DataFrame({"lo": [0.0], "n": [3]}), 5.0, "分布", "得分"))
    charts.band_bar(pd.DataFrame({"lo": [0.0, 5.0], "n": [7, 90000]}), 5.0, "分布", "得分")
    assert _spec(charts.band_bar(pd.DataFrame({"lo": [0.0], "n": [3]}), 5.0, "分布", "得分")) == one
