"""amdsim for notebooks and scripts: run a scenario, open its results, ask them questions.

>>> import amdsim
>>> res = amdsim.run("demo")                     # or a scenario file; out=None: a new temporary folder
>>> res.summary["leakers"]
>>> res.leakers                                  # one row per leaker: its cause and why (pandas)
>>> res.killchain.query("threat == 'cm_south.4'")  # any table as a DataFrame: res.table("killchain")
>>> res.sql("SELECT shooter, count(*) FROM engagements GROUP BY ALL")
>>> res.explain(factors=["unlimited_interceptors"])  # what would have saved them (explain.json)
>>> amdsim.open("runs/demo")                     # a folder written earlier (run, batch or sweep)

Tables are read through the DuckDB views of :mod:`amdsim.results.views` (every view has a
``replication`` column, and over a sweep a ``variant`` column), as Arrow (:meth:`Results.arrow`) or
pandas (:meth:`Results.table`, attribute access, :meth:`Results.sql`). pandas is needed only for the
DataFrames (``pip install amdsim[notebook]``). Nothing heavy is imported by ``import amdsim``:
``amdsim.run`` and ``amdsim.open`` load this module on first use.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from amdsim.core.errors import InputError, Problem
from amdsim.results.views import TABLES, open_views, run_folders, variant_names

__all__ = ["Results", "open", "run"]


def run(scenario: str | Path, out: str | Path | None = None, replications: int = 1,
        set: Mapping[str, Any] | Iterable[str] | None = None, seed: int | None = None, *,
        unset: Iterable[str] | str | None = None, workers: int | None = None, progress: bool = False) -> Results:
    """Simulate ``scenario`` and return its results.

    Parameters
    ----------
    scenario : str or Path
        A scenario YAML file, or ``"demo"`` for the bundled demo.
    out : str or Path, optional
        Output folder (a run folder; a batch folder with ``replications > 1``); default: a new
        temporary folder (its path is ``Results.folder``).
    replications : int
        Monte Carlo replications (a batch above 1, on ``workers`` local processes).
    set : mapping or iterable of str, optional
        Changes as ``amdsim run --set``: ``{"tracking.model": "perfect"}`` or ``["link.latency_s=4",
        "batteries[id=alpha_long].launchers=2", "aew=[]"]`` (one value per path; docs/variants.md).
    unset : iterable of str, optional
        Removals as ``amdsim run --unset``: ``["aew[id=aew_avalon]"]`` (a list entry, or a field back to
        its default).
    seed : int, optional
        Root seed (default: the scenario's).
    workers, progress
        Worker processes of a batch (default: all cores) and its progress bar.
    """
    from amdsim.engine.run import run_replication
    from amdsim.montecarlo.batch import run_batch
    from amdsim.scenario import demo_path, load_compiled

    path = demo_path() if str(scenario) == "demo" else Path(scenario)
    overrides = _overrides(set, unset)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="amdsim-run-"))
    if replications < 1:
        raise InputError(Problem("replications", str(replications), "expected at least one replication"))
    if replications == 1:
        cs = load_compiled(path, overrides=overrides or None)
        run_replication(cs, 0, folder, root_seed=seed)
    else:
        res = run_batch(path, replications, folder, workers=workers, root_seed=seed, progress=progress,
                        overrides=overrides or None)
        if res.failures:
            warnings.warn(f"{len(res.failures)} of {replications} replications failed: "
                          f"{dict(sorted(res.failures.items()))}", RuntimeWarning, stacklevel=2)
    return Results(folder)


def open(folder: str | Path) -> Results:  # amdsim.open(DIR): shadows open() here only
    """The results in ``folder``: a run folder, a batch folder or a sweep folder."""
    return Results(folder)


def _overrides(spec: Mapping[str, Any] | Iterable[str] | None, unset: Iterable[str] | str | None) -> dict[str, Any]:
    from amdsim.scenario.overrides import parse_path, single_overrides

    unsets = [unset] if isinstance(unset, str) else list(unset or [])
    if isinstance(spec, Mapping):
        for path in spec:
            parse_path(str(path), "set")
        return {**spec, **single_overrides(None, unsets)}
    sets = [spec] if isinstance(spec, str) else list(spec or [])
    return single_overrides(sets, unsets, command="amdsim.run")


class Results:
    """The results in a run, batch or sweep folder.

    Attributes
    ----------
    folder : Path
    kind : str
        ``"run"``, ``"batch"`` or ``"sweep"``.
    summary : dict
        A run's summary.json; a batch's manifest.json; a sweep's sweep.json.
    summaries : dict
        ``{replication: summary.json}`` (a sweep: ``{(variant name, replication): ...}``).
    leakers : pandas.DataFrame
        One row per leaker: replication, threat, asset, cause, because, launch and impact times.
    tables : list of str
        The tables the folder has (``res.<name>`` or ``res.table(name)``).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._runs = run_folders(self.folder)      # InputError for a folder that is none of these
        self._con = None
        if (self.folder / "summary.json").is_file():
            self.kind = "run"
        elif self._runs[0][0] is not None:
            self.kind = "sweep"
        else:
            self.kind = "batch"

    # -- documents ---------------------------------------------------------------------------
    @property
    def summary(self) -> dict:
        name = {"run": "summary.json", "batch": "manifest.json", "sweep": "sweep.json"}[self.kind]
        return _read_json(self.folder / name)

    @property
    def summaries(self) -> dict:
        names = variant_names(self.folder) if self.kind == "sweep" else {}
        out: dict = {}
        for v, k, r in self._runs:
            out[k if v is None else (names.get(v, f"variant_{v:02d}"), k)] = _read_json(r / "summary.json")
        return out

    @property
    def leakers(self):
        """One row per leaker of every replication: where it hit, its cause and the rule's sentence."""
        pd = _pandas()
        rows = []
        for key, s in self.summaries.items():
            for t in s.get("threats", []):
                if t.get("fate") != "leaked":
                    continue
                ev = t.get("leak_evidence") or {}
                row = {"variant": key[0], "replication": key[1]} if isinstance(key, tuple) else {"replication": key}
                row.update({"threat": t["name"], "kind": t.get("kind"), "asset": t.get("impact_asset"),
                            "cause": t.get("leak_cause"), "because": ev.get("because"),
                            "launch_s": t.get("launch_time_s"), "impact_s": t.get("end_time_s")})
                rows.append(row)
        cols = (["variant"] if self.kind == "sweep" else []) + ["replication", "threat", "kind", "asset", "cause",
                                                                 "because", "launch_s", "impact_s"]
        return pd.DataFrame(rows, columns=cols)

    # -- tables ------------------------------------------------------------------------------
    @property
    def tables(self) -> list[str]:
        have = {p.stem for _, _, r in self._runs for p in r.glob("*.parquet")}
        return [t for t in TABLES if t in have] + ["summary"]

    def _connection(self):
        if self._con is None:
            self._con = open_views(self.folder)
        return self._con

    def arrow(self, name: str):
        """Table ``name`` (e.g. ``"killchain"``, ``"engagements"``, ``"summary"``) as a pyarrow Table."""
        if name not in self.tables:
            raise InputError(Problem(str(self.folder), name, f"no such table: expected one of {', '.join(self.tables)}"))
        return self._connection().sql(f"SELECT * FROM {name}").to_arrow_table()

    def table(self, name: str):
        """Table ``name`` as a pandas DataFrame."""
        _pandas()
        return self.arrow(name).to_pandas()

    def sql(self, query: str):
        """Run DuckDB SQL over the folder's views (the tables, and ``summary``); a pandas DataFrame."""
        import duckdb

        _pandas()
        try:
            return self._connection().sql(query).to_arrow_table().to_pandas()
        except duckdb.Error as exc:
            raise InputError(f"SQL error: {str(exc).strip().splitlines()[0]} (views: {', '.join(self.tables)})",
                             file="SQL") from None

    def __getattr__(self, name: str):
        """``res.killchain``, ``res.engagements``, ...: a table by attribute (:meth:`table`)."""
        if name.startswith("_") or name not in TABLES:
            raise AttributeError(f"'Results' object has no attribute {name!r}")
        return self.table(name)

    # -- counterfactuals ---------------------------------------------------------------------
    def explain(self, factors: Iterable[str] | None = None, set: Iterable[str] | None = None,
                unset: Iterable[str] | None = None, *, workers: int | None = None, cluster: str | None = None, progress: bool = False) -> dict:
        """Rerun the replications with one idealisation at a time (:func:`amdsim.montecarlo.explain.explain`);
        writes ``explain.json`` into the folder and returns it."""
        from amdsim.montecarlo.explain import explain

        if self.kind == "sweep":
            raise InputError("explain one variant of a sweep: amdsim.open(sweep / 'variant_00').explain()",
                             file=str(self.folder))
        sets = [set] if isinstance(set, str) else list(set) if set is not None else None
        unsets = [unset] if isinstance(unset, str) else list(unset) if unset is not None else None
        return explain(self.folder, factors, sets, unsets, workers=workers, cluster=cluster, progress=progress)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.tables})

    def __repr__(self) -> str:
        n = len(self._runs)
        return f"<amdsim.Results {self.kind} {str(self.folder)!r}: {n} replication{'s' * (n != 1)}>"


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}", file=str(path)) from None


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("amdsim's DataFrames need pandas: pip install 'amdsim[notebook]' (or use .arrow(name))"
                          ) from None
    return pandas
