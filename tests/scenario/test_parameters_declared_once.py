"""Each scenario parameter is declared once, as a pydantic field of ``scenario/models.py``: the
YAML's default is what the engine runs with and what ``amdsim track`` starts from.

The tables below name every place a tracker or interceptor parameter is used outside its field, so
a field, option or config entry added to one place only fails here until the others follow (or the
new entry is listed as deliberately the engine's or the CLI's own, with the reason).
"""

from __future__ import annotations

import typer.main
import yaml

from amdsim.cli.app import app
from amdsim.cli.track import track
from amdsim.core.constants import (
    COAST_REVISITS,
    INIT_SPEED_SIGMA_MPS,
    MIN_COAST_S,
    NO_SENSOR_COAST_S,
    TENTATIVE_MISSES,
)
from amdsim.scenario import compile_scenario, scenario_from_dict
from amdsim.scenario.compile.interceptors import ENDGAME_COLUMNS, ITYPE_COLUMNS
from amdsim.scenario.models import InterceptorType, Tracking
from amdsim.tracking.stage import KalmanTracking, PerfectTracking, make_tracking
from amdsim.tracking.tracker import NOT_TRACKER_FIELDS, SCENARIO_FIELDS, TrackerConfig
from amdsim.world.tables import InterceptorTypeTable

from ..conftest import DATA

#: TrackerConfig fields no scenario sets: the engine's own rules (core/constants.py), the filter's
#: internals, and the offline tracker's clutter density.
TRACKER_OWN = {"tentative_misses", "delete_miss_prob", "init_speed_sigma", "init_accel_sigma", "max_sigma", "max_coast_s",
               "clutter_density"}
#: `tracking:` fields ``amdsim track`` has no option for: it always runs the Kalman tracker.
NOT_CLI = {"model"}
#: ``amdsim track --confirm M/N`` sets two fields at once.
CLI_COMPOSITE = {"confirm": ("confirm_m", "confirm_n")}
#: ``amdsim track``'s own parameters: the input and output files, the measurement noise of rows
#: without one (a scenario's radars give theirs) and JPDA's clutter density (the engine estimates it).
CLI_OWN = {"detections", "out", "sigma", "clutter",
           "q_old", "q_ca_old"}   # the deprecated --q/--q-ca, converted to --process-noise/--jerk-noise


def _yaml_default(name: str):
    return Tracking.model_fields[name].default


def _compiled(raw_update: dict):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    raw.update(raw_update)
    return compile_scenario(scenario_from_dict(raw))


def _cli_params() -> dict:
    """The click parameters of ``amdsim track``, as the CLI runs them."""
    cmd = typer.main.get_command(app)
    cmd = cmd.commands["track"] if hasattr(cmd, "commands") else cmd
    assert cmd.callback.__name__ == track.__name__
    return {p.name: p for p in cmd.params}


def test_every_tracking_field_sets_one_tracker_field_and_every_tracker_field_is_accounted_for():
    fields = set(Tracking.model_fields)
    assert fields == set(SCENARIO_FIELDS) | set(NOT_TRACKER_FIELDS)
    assert not set(SCENARIO_FIELDS) & set(NOT_TRACKER_FIELDS)
    targets = [f for f, _ in SCENARIO_FIELDS.values()]
    assert len(targets) == len(set(targets)), "two tracking fields set one TrackerConfig field"
    config_fields = set(TrackerConfig.__dataclass_fields__)
    assert set(targets) <= config_fields
    assert config_fields == set(targets) | TRACKER_OWN, "a TrackerConfig field neither in the YAML nor listed as its own"
    assert not set(targets) & TRACKER_OWN


def test_the_engine_runs_the_yaml_defaults():
    # model: the default is the perfect baseline
    assert _yaml_default("model") == "perfect"
    assert isinstance(make_tracking(_compiled({})), PerfectTracking)
    cs = _compiled({"tracking": {"model": "kalman"}})
    stage = make_tracking(cs)
    assert isinstance(stage, KalmanTracking)
    assert stage.trackers, "the small scenario has blue forces"
    for f, trk in stage.trackers.items():
        cfg = trk.cfg
        for name, (field, conv) in SCENARIO_FIELDS.items():
            assert getattr(cfg, field) == conv(_yaml_default(name)), name
        # the noise levels are standard deviations in the YAML, spectral densities in the filter
        assert cfg.q == _yaml_default("process_noise_mps2") ** 2
        assert cfg.q_ca == _yaml_default("jerk_noise_mps3") ** 2
        # and what no scenario sets is the engine's, from core/constants.py
        assert cfg.tentative_misses == TENTATIVE_MISSES
        assert cfg.init_speed_sigma == INIT_SPEED_SIGMA_MPS
        revisit = cs.sensors.revisit[cs.sensors.force == f]
        coast = max(MIN_COAST_S, COAST_REVISITS * float(revisit.max())) if revisit.size else NO_SENSOR_COAST_S
        assert cfg.max_coast_s == coast


def test_a_bare_tracker_takes_the_yaml_defaults():
    bare = TrackerConfig()
    for name, (field, conv) in SCENARIO_FIELDS.items():
        assert getattr(bare, field) == conv(_yaml_default(name)), name
    assert bare.tentative_misses == TENTATIVE_MISSES
    assert TrackerConfig.from_settings({}) == TrackerConfig.from_settings(Tracking())


def test_amdsim_track_defaults_and_help_are_the_yaml_fields():
    params = _cli_params()
    composite = {f for fs in CLI_COMPOSITE.values() for f in fs}
    expected = (set(SCENARIO_FIELDS) - composite - NOT_CLI) | set(CLI_COMPOSITE) | CLI_OWN
    assert set(params) == expected, "an amdsim track option that is no tracking field (or the reverse)"
    for name in Tracking.model_fields:
        if name in NOT_CLI:
            continue
        field = Tracking.model_fields[name]
        if name in composite:
            option = next(o for o, fs in CLI_COMPOSITE.items() if name in fs)
            value = int(params[option].default.split("/")[CLI_COMPOSITE[option].index(name)])
            assert field.description.strip(" .") in params[option].help, name
        else:
            value = params[name].default
            value = getattr(value, "value", value)          # the choices are enums of the Literal's strings
            assert params[name].help.startswith(field.description), name
        assert value == field.default, name
        assert type(value) is type(field.default), name


def test_every_interceptor_field_reaches_the_table_with_its_yaml_default():
    # the endgame's fields (guidance law, flight_control:, seeker:) go through ENDGAME_COLUMNS, with
    # their conversion to SI; every nested field of those blocks must be mapped
    endgame_top = {p.split(".")[0] for p in ENDGAME_COLUMNS}
    nested = {f"{b}.{f}" for b in endgame_top if b in ("flight_control", "seeker", "launch_requirements")
              for f in type(getattr(InterceptorType(id="x"), b)).model_fields}
    assert nested <= set(ENDGAME_COLUMNS), "a flight_control/seeker field the compiler does not copy"
    fields = set(InterceptorType.model_fields) - {"id"} - endgame_top
    assert set(ITYPE_COLUMNS) == fields, "an InterceptorType field the compiler does not copy (or the reverse)"
    columns = set(InterceptorTypeTable.__dataclass_fields__) - {"name"} - {c for c, _ in ENDGAME_COLUMNS.values()}
    assert set(ITYPE_COLUMNS.values()) == columns and len(columns) == len(ITYPE_COLUMNS)
    cs = _compiled({"interceptor_types": [{"id": "bare"}], "batteries": [], "fighters": []})
    assert cs.itypes.name == ["bare"]
    for name, column in ITYPE_COLUMNS.items():
        assert getattr(cs.itypes, column)[0] == InterceptorType.model_fields[name].default, name
    bare = InterceptorType(id="bare")
    for path, (column, convert) in ENDGAME_COLUMNS.items():
        value = bare
        for part in path.split("."):
            value = getattr(value, part)
        assert getattr(cs.itypes, column)[0] == convert(value), path
