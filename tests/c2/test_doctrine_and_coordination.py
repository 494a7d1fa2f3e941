"""C2 in the engine: coordination between nations, firing doctrine, left-of-launch strikes."""

import numpy as np
import pytest
import yaml

from amdsim.engine.run import run_replication
from amdsim.scenario import compile_scenario, scenario_from_dict

from ..conftest import DATA


def _compiled(change):
    raw = yaml.safe_load((DATA / "small.yaml").read_text())
    change(raw)
    return compile_scenario(scenario_from_dict(raw))


def _two_nations(raw, coordination):
    # both batteries (two nations) cover the base; no link losses so coordination is exact
    raw["link"] = {"latency_s": 2.0, "update_s": 1.0, "drop_prob": 0.0}
    raw["c2"] = {"coordination": coordination}
    raw["cruise_missiles"][0]["salvo"]["count"] = 6


@pytest.mark.parametrize("rep", range(4))
def test_coordination_removes_double_engagements(rep):
    on = run_replication(_compiled(lambda r: _two_nations(r, True)), rep)
    off = run_replication(_compiled(lambda r: _two_nations(r, False)), rep)
    assert on["double_engagements"] == 0
    assert off["double_engagements"] > 0


def test_coordination_off_doubles_are_counted_in_the_engagement_table(tmp_path):
    import pyarrow.parquet as pq

    s = run_replication(_compiled(lambda r: _two_nations(r, False)), 0, tmp_path)
    eng = pq.read_table(tmp_path / "engagements.parquet").to_pylist()
    by_target = {}
    for shot in eng:
        if shot["interceptor_id"] >= 0:
            by_target.setdefault(shot["target_id"], set()).add(shot["force"])
    assert sum(len(f) > 1 for f in by_target.values()) >= s["double_engagements"] > 0


def test_shoot_look_shoot_spends_fewer_interceptors_than_salvo_at_equal_leakage():
    def doctrine(mode):
        def change(r):
            r["batteries"] = r["batteries"][:1]
            r["batteries"][0].update(launchers=4, interceptors_per_launcher=8,
                                     doctrine={"mode": mode, "salvo_size": 2})
            r["cruise_missiles"][0]["salvo"].update(count=4, interval_s=30)
            r["ballistic_missiles"] = []
        return change

    sls, salvo = [], []
    for rep in range(6):
        sls.append(run_replication(_compiled(doctrine("shoot_look_shoot")), rep))
        salvo.append(run_replication(_compiled(doctrine("salvo")), rep))
    leak_sls = sum(s["leakers"] for s in sls)
    leak_salvo = sum(s["leakers"] for s in salvo)
    used_sls = sum(s["interceptors_expended"] for s in sls)
    used_salvo = sum(s["interceptors_expended"] for s in salvo)
    assert leak_sls == leak_salvo == 0
    assert used_sls < used_salvo


def test_strikes_neutralise_unfired_threats_only():
    def change(r):
        r["strike"] = {"enabled": True, "search_time_s": 1.0, "response_time_s": 30.0, "pk": 1.0}
        r["launch_sites"][0]["detectability"] = 1.0
        r["launch_sites"][1]["detectability"] = 0.0
        r["cruise_missiles"][0]["salvo"].update(count=6, start_s=10, interval_s=10)
    s = run_replication(_compiled(change), 0)
    fates = [t["fate"] for t in s["threats"] if t["type"] == "cm"]
    launched = [t for t in s["threats"] if t["type"] == "cm" and t["launch_time_s"] is not None]
    # the site is struck ~31 s in: the salvo launched at 10, 20, 30 s flies, the rest never does
    assert fates.count("neutralized") == 3 and len(launched) == 3
    assert all(t["launch_time_s"] < 32 for t in launched)
    srbm = [t for t in s["threats"] if t["type"] == "srbm"]
    assert srbm[0]["fate"] != "neutralized"            # undetectable site fires
    assert np.isfinite(srbm[0]["launch_time_s"])


def test_no_shot_is_ordered_beyond_the_envelope(tmp_path):
    import pyarrow.parquet as pq

    from amdsim.core.geodesy import geodetic2ecef
    from amdsim.scenario import demo_path, load_compiled

    cs = load_compiled(demo_path())
    run_replication(cs, 0, tmp_path)
    ev = [e for e in pq.read_table(tmp_path / "events.parquet").to_pylist() if e["kind"] == "engagement_order"]
    assert ev
    deg = np.pi / 180
    host_type = {int(cs.shooters.host[k]): int(cs.shooters.itype[k]) for k in range(cs.shooters.n)}
    st = pq.read_table(tmp_path / "states.parquet").to_pylist()
    pos_at = {(r["mover_id"], r["time_s"]): np.array([r["x_m"], r["y_m"], r["z_m"]]) for r in st}
    for e in ev:
        pip = geodetic2ecef(e["lat_deg"] * deg, e["lon_deg"] * deg, e["alt_m"])
        ty = host_type[e["actor_id"]]
        # the shooter position at the nearest recorded instant before the order (fighters move)
        t_rec = max(t for (m, t) in pos_at if m == e["actor_id"] and t <= e["time_s"])
        rng = np.linalg.norm(pip - pos_at[(e["actor_id"], t_rec)])
        slack = 300.0 * (e["time_s"] - t_rec)          # fighter motion since the recorded instant
        assert cs.itypes.min_range[ty] - slack <= rng <= cs.itypes.max_range[ty] + slack
        assert e["alt_m"] <= cs.itypes.max_alt[ty] + 1.0
