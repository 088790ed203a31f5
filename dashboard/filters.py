"""The sidebar's global filters, kept in the URL's query parameters.

A link copied from the address bar opens the same filtered view: on a
session's first run the widgets take their values from the URL, and on every
run the URL is rewritten from the widgets (page switches clear the URL, so it
is written back each time).
"""
from __future__ import annotations

import re

import streamlit as st

from dashboard.filtering import Filters
from dashboard.labels import kind_label, source_label
from dashboard.queries import FileQueries

SINGLE = {"province": "f_province", "city": "f_city", "county": "f_county", "department": "f_department"}
MULTI = {"year": "f_years", "kind": "f_kinds", "source": "f_sources"}
ALL_LABEL = "全部"
YEAR_RE = re.compile(r"[0-9]{4}")
PARAM_NAMES = {"province": "省份", "city": "地市", "county": "县区", "department": "部门", "year": "年度",
               "kind": "文件类型", "source": "来源"}


def notice(text: str) -> None:
    """A message for the user about an address parameter that was not used (shown once, at the top)."""
    notes = st.session_state.setdefault("_notices", [])
    if text not in notes:
        notes.append(text)


def take_notices() -> list[str]:
    return st.session_state.pop("_notices", [])


def _all(v) -> str:
    return ALL_LABEL if v is None else str(v)


def _init_from_url() -> None:
    ss, qp = st.session_state, st.query_params
    if ss.get("_filters_ready"):
        return
    for param, key in SINGLE.items():
        ss[key] = qp.get(param) or None
    years = []
    for y in qp.get_all("year"):
        # ASCII digits only: "²" and "①" pass str.isdigit() but int() refuses them
        if YEAR_RE.fullmatch(y.strip()):
            years.append(int(y.strip()))
        else:
            notice(f"地址中的年度“{y}”无效，已忽略。")
    ss["f_years"] = years
    ss["f_kinds"] = list(qp.get_all("kind"))
    ss["f_sources"] = list(qp.get_all("source"))
    ss["_filters_ready"] = True


def set_pending(**values) -> None:
    """Filter changes asked for by a drill-down, applied before the widgets exist."""
    st.session_state.setdefault("_pending_filters", {}).update(values)


def _apply_pending() -> None:
    ss = st.session_state
    for name, value in ss.pop("_pending_filters", {}).items():
        key = SINGLE.get(name) or MULTI.get(name)
        if key:
            ss[key] = value


def clear_filters() -> None:
    ss = st.session_state
    for key in SINGLE.values():
        ss[key] = None
    for key in MULTI.values():
        ss[key] = []


def _keep_valid(key: str, options: list, param: str | None = None) -> None:
    """Drop values not among the options; a value that came from the address gets a notice."""
    ss = st.session_state
    from_url = param is not None and param not in ss.get("_filters_checked", set())
    if isinstance(ss.get(key), list):
        dropped = [v for v in ss[key] if v not in options]
        ss[key] = [v for v in ss[key] if v in options]
    else:
        dropped = [] if ss.get(key) in options or ss.get(key) is None else [ss[key]]
        if dropped:
            ss[key] = None
    if param is not None:
        if from_url and dropped:
            label = PARAM_NAMES.get(param, param)
            notice(f"地址中的{label}“{'、'.join(str(v) for v in dropped)}”不在数据中，已忽略。")
        ss.setdefault("_filters_checked", set()).add(param)


def sidebar(qs: FileQueries) -> Filters:
    _init_from_url()
    _apply_pending()
    ss, sb = st.session_state, st.sidebar
    sb.header("筛选")

    places = qs.place_options()
    provinces = sorted(places["province"].dropna().unique())
    _keep_valid("f_province", provinces, "province")
    sb.selectbox("省份", [None, *provinces], key="f_province", format_func=_all, placeholder=ALL_LABEL)
    if ss.f_province:
        places = places[places["province"] == ss.f_province]
    cities = sorted(places["city"].dropna().unique())
    _keep_valid("f_city", cities, "city")
    sb.selectbox("地市", [None, *cities], key="f_city", format_func=_all, placeholder=ALL_LABEL)
    if ss.f_city:
        places = places[places["city"] == ss.f_city]
    counties = sorted(places["county"].dropna().unique())
    _keep_valid("f_county", counties, "county")
    sb.selectbox("县区", [None, *counties], key="f_county", format_func=_all, placeholder=ALL_LABEL)

    years = qs.year_options()
    _keep_valid("f_years", years, "year")
    sb.multiselect("年度", years, key="f_years", placeholder="全部年度")

    place = Filters(province=ss.f_province, city=ss.f_city, county=ss.f_county)
    departments = qs.department_options(place)
    _keep_valid("f_department", departments, "department")
    sb.selectbox("部门", [None, *departments], key="f_department", format_func=_all, placeholder=ALL_LABEL,
                 help="可输入文字搜索部门名称")

    kinds = qs.kind_options()
    _keep_valid("f_kinds", kinds, "kind")
    sb.multiselect("文件类型", kinds, key="f_kinds", format_func=kind_label, placeholder="全部类型")
    sources = qs.source_options()
    _keep_valid("f_sources", sources, "source")
    sb.multiselect("来源", sources, key="f_sources", format_func=source_label, placeholder="全部来源",
                   help="系统导出：从预算管理系统导出后导入，数值准确；公开文件：从公开发布的文件中读取")
    sb.button("清除筛选", on_click=clear_filters, width="stretch")

    f = Filters(province=ss.f_province, city=ss.f_city, county=ss.f_county,
                years=tuple(sorted(ss.f_years)), department=ss.f_department, kinds=tuple(sorted(ss.f_kinds)),
                sources=tuple(sorted(ss.get("f_sources", []))))
    write_url(f)
    return f


def write_url(f: Filters) -> None:
    for param, value in (("province", f.province), ("city", f.city), ("county", f.county),
                         ("department", f.department)):
        set_param(param, value)
    set_param("year", [str(y) for y in f.years])
    set_param("kind", list(f.kinds))
    set_param("source", list(f.sources))


def set_param(param: str, value) -> None:
    """Write one query parameter (a list for repeated ones); drop it when empty."""
    qp = st.query_params
    if isinstance(value, (list, tuple)):
        value = [str(v) for v in value]
        if value:
            if qp.get_all(param) != value:
                qp[param] = value
        elif param in qp:
            del qp[param]
        return
    if value is None or value == "":
        if param in qp:
            del qp[param]
    elif qp.get(param) != str(value):
        qp[param] = str(value)


def ascii_int(text: str) -> int:
    """int() of ASCII digits only: int() itself also takes "٣" or full-width "９"."""
    text = text.strip()
    if not re.fullmatch(r"-?[0-9]+", text):
        raise ValueError(text)
    return int(text)


def ascii_float(text: str) -> float:
    """float() of a plain decimal only (no "nan", "inf", "1e9" or full-width digits)."""
    text = text.strip()
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise ValueError(text)
    return float(text)


def bind(key: str, param: str, default, parse=str, valid=None, label: str | None = None):
    """Give a page widget its value from the URL on first render; returns the value to pass as default.

    A value that does not parse, or that `valid` refuses, falls back to the default
    with a notice naming the parameter (`label`). Call before creating the widget
    with `key`; call `set_param(param, value)` after it.
    """
    ss, qp = st.session_state, st.query_params
    if key not in ss:
        raw = qp.get_all(param) if isinstance(default, list) else qp.get(param)
        value = default
        try:
            if isinstance(default, list):
                value = [parse(v) for v in raw] or default
            elif raw is not None:
                value = parse(raw)
            given = bool(raw) if isinstance(default, list) else raw is not None
            if given and valid is not None and not (all(map(valid, value)) if isinstance(value, list)
                                                    else valid(value)):
                raise ValueError(value)
        except (TypeError, ValueError, ArithmeticError, LookupError):
            notice(f"地址中的{label or param}“{'、'.join(raw) if isinstance(raw, list) else raw}”无效，已使用默认值。")
            value = default
        ss[key] = value
    return ss[key]
