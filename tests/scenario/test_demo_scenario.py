"""The bundled demo scenario is what issue 2 promises: a combined raid on two allied nations."""

from amdsim.scenario import demo_path, load_scenario_file


def test_demo_has_the_promised_order_of_battle():
    sc = load_scenario_file(demo_path())
    n_cruise = sum(len(c.launch_times()) for c in sc.cruise_missiles)
    n_ballistic = sum(len(b.launch_times()) for b in sc.ballistic_missiles)
    blue_nations = {f.nation for f in sc.forces if f.side == "blue"}
    assert n_cruise >= 24 and all(c.cruise_alt_m <= 50 for c in sc.cruise_missiles)
    assert n_ballistic >= 6
    assert len(blue_nations) >= 2
    assert len(sc.aew) >= 1 and sum(f.count for f in sc.fighters) >= 2
    assert len(sc.batteries) >= 4
    assert {a.id for a in sc.assets} >= {"airbase_alpha", "port_bravo", "carrier_group"}
    assert any(a.route is not None for a in sc.assets)           # the carrier group moves
