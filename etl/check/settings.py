"""Settings of the checks: weights, thresholds, bands, the 序时 schedule and lexicons.

Defaults live in settings.toml beside this file (values from RULES.md). A
settings file may carry [jurisdictions."<place>"] tables that override any key
for filings from that province, city or county.
"""
from __future__ import annotations

import copy
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.lexicon import lexicon
from etl.measures import fold, grade_for

DEFAULT_PATH = Path(__file__).with_name("settings.toml")
_MISSING = object()  # a key the settings do not have (its default applies)
MEMO_MAX = 200_000  # values a rule's memo (Settings.memo) holds before it starts again


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class Settings:
    """The parsed settings file. `raw` is the TOML as a dict; properties give typed access."""

    raw: dict[str, Any]
    jurisdictions: dict[str, dict] = field(default_factory=dict)
    place: str | None = None  # the jurisdiction these settings were specialised for
    # the checks read the same few keys millions of times in a bulk import (2.5 million lookups for
    # 100,000 indicator rows): each path is looked up once. `raw` is never changed after loading.
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _word_lists: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # --- typed access -------------------------------------------------------------------
    def _get(self, *keys, default=None):
        try:
            node = self._memo[keys]
        except KeyError:
            node = self._memo[keys] = self._lookup(keys)
        return default if node is _MISSING else node

    def _lookup(self, keys: tuple) -> Any:
        node: Any = self.raw
        for k in keys:
            if not isinstance(node, dict) or k not in node:
                return _MISSING
            node = node[k]
        return node

    @property
    def weights(self) -> dict[str, float]:
        return {k: float(v) for k, v in self._get("weights", default={}).items()}

    @property
    def tolerance(self) -> float:
        return float(self._get("scoring", "tolerance", default=0.01))

    @property
    def sum_tolerance(self) -> float:
        """The rows' weights (scores) and the total row agree within this (etl/marts/invariants.py)."""
        return float(self._get("scoring", "sum_tolerance", default=0.05))

    @property
    def equal_rel_tolerance(self) -> float:
        return float(self._get("scoring", "equal_rel_tolerance", default=0.001))

    @property
    def score_slack(self) -> float:
        return float(self._get("scoring", "score_slack", default=0.5))

    @property
    def score_slack_share(self) -> float:
        return float(self._get("scoring", "score_slack_share", default=0.1))

    @property
    def over_achievement_factor(self) -> float:
        return float(self._get("scoring", "over_achievement_factor", default=1.5))

    @property
    def over_achievement_min_target(self) -> float:
        return float(self._get("scoring", "over_achievement_min_target", default=1))

    @property
    def unverified_band(self) -> str:
        return str(self._get("scoring", "unverified_band", default="达成"))

    @property
    def band_position(self) -> float:
        return float(self._get("scoring", "band_position", default=0.0))

    @property
    def qualitative_bands(self) -> dict[str, tuple[float, float]]:
        bands = self._get("qualitative_bands", default={})
        return {k: (float(v[0]), float(v[1])) for k, v in bands.items()}

    @property
    def grades(self) -> list[tuple[str, float]]:
        """(grade, lowest score), best grade first."""
        g = self._get("grades", default={})
        return sorted(((k, float(v)) for k, v in g.items()), key=lambda kv: -kv[1])

    @property
    def exec_threshold(self) -> float:
        return float(self._get("execution", "threshold", default=0.9))

    @property
    def rate_tolerance(self) -> float:
        return float(self._get("execution", "rate_tolerance", default=0.006))

    @property
    def amount_tolerance(self) -> float:
        return float(self._get("execution", "amount_tolerance", default=0.015))

    @property
    def implausible_amount(self) -> float:
        return float(self._get("execution", "implausible_amount", default=1_000_000))

    @property
    def schedule(self) -> dict[int, float]:
        sched = self._get("execution", "schedule", default={12: 1.0})
        return dict(sorted((int(k), float(v)) for k, v in sched.items()))

    @property
    def schedule_slack(self) -> float:
        return float(self._get("execution", "schedule_slack", default=0.1))

    @property
    def copy_jaccard(self) -> float:
        return float(self._get("copying", "jaccard", default=0.8))

    @property
    def copy_min_indicators(self) -> int:
        return int(self._get("copying", "min_indicators", default=4))

    @property
    def copy_bands(self) -> int:
        return int(self._get("copying", "bands", default=48))

    @property
    def copy_band_rows(self) -> int:
        return int(self._get("copying", "band_rows", default=6))

    @property
    def compact_files(self) -> int:
        """A lake's partition holding this many files of one size class gets them merged (etl/lake/compact.py)."""
        return max(2, int(self._get("lake", "compact_files", default=16)))

    @property
    def compact_max_mb(self) -> float:
        return float(self._get("lake", "compact_max_mb", default=256))

    @property
    def writer_memory_mb(self) -> int:
        """DuckDB's memory_limit for a connection that writes the database (etl/load/store.connect); 0: DuckDB's default."""
        return int(self._get("database", "writer_memory_mb", default=1024))

    @property
    def hold_per_close(self) -> float:
        """How many times its last close the local engine's writer keeps the file open (etl.load.store.HeldWriter)."""
        return max(0.0, float(self._get("database", "hold_per_close", default=10.0)))

    @property
    def rebuild_memory_mb(self) -> int:
        """DuckDB's memory_limit while every mart or cross-file table is rebuilt (etl.load.store.rebuild_memory); 0: DuckDB's default."""
        return int(self._get("database", "rebuild_memory_mb", default=0))

    @property
    def low_confidence(self) -> float:
        """Rows read with a parse_confidence below this get a PARSE_LOW_CONFIDENCE finding."""
        return float(self._get("parse", "low_confidence", default=0.5))

    @property
    def review_threshold(self) -> float:
        """Findings on rows read with less confidence than this are 待核实 (possibly a reading error)."""
        return float(self._get("review", "threshold", default=0.9))

    def review(self, key: str, default):
        """A setting of the [review] table (the review queue, kept source copies), typed like its default."""
        value = self._get("review", key, default=default)
        return type(default)(value) if isinstance(default, (int, float)) and not isinstance(default, bool) else value

    @property
    def accept_confidence(self) -> float:
        """Filings at or above this parse_confidence count as read right (`jixiao score`'s accept line)."""
        return float(self._get("parse", "accept", default=0.95))

    @property
    def doubt_cap(self) -> float:
        """The highest parse_confidence of a table with no rows, or of scores that do not add up."""
        return float(self._get("parse", "doubt_cap", default=0.9))

    @property
    def rowless_cap(self) -> float:
        """The highest parse_confidence of a table read with no rows whose source shows no rows either."""
        return float(self._get("parse", "rowless_cap", default=0.94))

    @property
    def level_name_row_cap(self) -> float:
        """The highest parse_confidence of a row whose name is a level label (below low_confidence)."""
        return float(self._get("parse", "level_name_row_cap", default=0.4))

    @property
    def project_report_ratio(self) -> float:
        """A report speaking of a project (项目 …) this many times as often as of a whole body (整体) is a project's."""
        return float(self._get("parse", "project_report_ratio", default=2.0))

    @property
    def arithmetic_points(self) -> float:
        """Points the 分值 / 得分 arithmetic may be off before the reading is doubted."""
        return float(self._get("parse", "arithmetic_points", default=1.0))

    def soft(self, key: str, default):
        """A setting of the [soft] table (cross-year and peer checks), typed like its default."""
        value = self._get("soft", key, default=default)
        return type(default)(value) if isinstance(default, (int, float)) and not isinstance(default, bool) else value

    @property
    def synonyms(self) -> dict[str, str]:
        return dict(self._get("lexicon", "synonyms", default={}))

    def words(self, *keys) -> list[str]:
        """A word list of [lexicon] (the same list each call: callers read it, never change it)."""
        got = self._word_lists.get(keys)
        if got is None:
            got = self._word_lists[keys] = list(self._get("lexicon", *keys, default=[]))
        return got

    @property
    def typos(self) -> dict[str, str]:
        return dict(self._get("lexicon", "typos", default={}))

    def patterns(self, *keys) -> list[re.Pattern]:
        """A word list of [lexicon] compiled (once: the checks ask for it per row)."""
        memo = ("patterns",) + keys
        got = self._word_lists.get(memo)
        if got is None:
            got = self._word_lists[memo] = [re.compile(p) for p in self.words(*keys)]
        return got

    def folded(self, *keys, lower: bool = False) -> frozenset[str]:
        """A word list of [lexicon] as fold() spells it (lower case too with `lower`), made once."""
        memo = ("folded", lower) + keys
        got = self._word_lists.get(memo)
        if got is None:
            got = self._word_lists[memo] = frozenset(fold(w).lower() if lower else fold(w) for w in self.words(*keys))
        return got

    def memo(self, name: str) -> dict:
        """A rule's answers per value under these settings (`name`: the rule's). A bulk import repeats its
        values (names, levels, units, reasons) thousands of times; a rule that is a function of one value
        and these settings answers each value once. Emptied when it grows past MEMO_MAX values."""
        key = ("memo", name)
        got = self._word_lists.get(key)
        if got is None or len(got) > MEMO_MAX:
            got = self._word_lists[key] = {}
        return got

    # --- schedule -----------------------------------------------------------------------
    def schedule_share(self, month: int) -> float:
        """序时进度 expected by the end of `month`, interpolated between schedule points."""
        pts = [(0, 0.0)] + list(self.schedule.items())
        for (m0, v0), (m1, v1) in zip(pts, pts[1:]):
            if month <= m1:
                return v0 + (v1 - v0) * (month - m0) / (m1 - m0) if m1 != m0 else v1
        return pts[-1][1]

    def grade_for(self, score: float | None) -> str | None:
        return grade_for(score, self.grades)  # by this jurisdiction's bands

    # --- jurisdictions ------------------------------------------------------------------
    def for_filing(self, filing) -> "Settings":
        """These settings with the overrides for the filing's place (province < city < county)."""
        if not self.jurisdictions:
            return self
        raw, place = self.raw, None
        for name in (getattr(filing, "province", None), getattr(filing, "city", None), getattr(filing, "county", None)):
            if name and name in self.jurisdictions:
                raw, place = _merge(raw, self.jurisdictions[name]), name
        if place is None:
            return self
        return Settings(raw=raw, jurisdictions={}, place=place)


_CACHE: dict[str, Settings] = {}


SETTINGS_ENV = "JIXIAO_SETTINGS"  # a settings file of one's own, over the defaults, for every command and the dashboard


def load_settings(path: str | None = None) -> Settings:
    """Read a settings file (TOML), else the file named by $JIXIAO_SETTINGS. Keys missing from it keep the defaults."""
    path = path or os.environ.get(SETTINGS_ENV) or None
    key = str(path or DEFAULT_PATH)
    if key in _CACHE:
        return _CACHE[key]
    with open(DEFAULT_PATH, "rb") as fh:
        # the checks' word lists live in the lexicon (etl/lexicon.toml [checks]); a settings file's
        # [lexicon.*] tables override them, as any other key, for a jurisdiction too
        raw = _merge({"lexicon": lexicon().checks}, tomllib.load(fh))
    if path is not None and Path(path) != DEFAULT_PATH:
        with open(path, "rb") as fh:
            raw = _merge(raw, tomllib.load(fh))
    jur = raw.pop("jurisdictions", {}) or {}
    settings = Settings(raw=raw, jurisdictions=jur)
    _CACHE[key] = settings
    return settings
