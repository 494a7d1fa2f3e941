"""Waypoint following: path length and altitude against great-circle geometry."""

import itertools

import numpy as np
import pytest

from amdsim.core.geodesy import great_circle_distance
from amdsim.movers.route import route_step, terminal_height

DEG = np.pi / 180


def _fly(lat0, lon0, wps, speed, dt, loop=False, steps=100000):
    wp_lat = np.array([w[0] for w in wps]) * DEG
    wp_lon = np.array([w[1] for w in wps]) * DEG
    lat, lon = np.array([lat0 * DEG]), np.array([lon0 * DEG])
    idx = np.zeros(1, np.int32)
    for k in range(steps):
        lat, lon, _, idx, arrived = route_step(lat, lon, idx, np.array([speed]), dt, np.array([0]),
                                               np.array([len(wps)]), wp_lat, wp_lon, np.array([loop]))
        if arrived[0]:
            return (k + 1) * dt, lat[0], lon[0]
    raise AssertionError("never arrived")


@pytest.mark.parametrize("dt", [0.5, 1.0, 7.0], ids=["dt0.5", "dt1", "dt7"])
def test_route_time_equals_great_circle_length_over_speed(dt):
    wps = [(36.6, 125.8), (36.9, 126.95), (35.1, 129.05)]
    start = (36.2, 124.3)
    legs = [start, *wps]
    length = sum(great_circle_distance(a[0] * DEG, a[1] * DEG, b[0] * DEG, b[1] * DEG) for a, b in itertools.pairwise(legs))
    t, lat, lon = _fly(*start, wps, 250.0, dt)
    # arrival is detected at the end of the step in which the remaining distance runs out
    assert length / 250.0 <= t + 1e-6 < length / 250.0 + dt + 1e-6
    assert great_circle_distance(lat, lon, wps[-1][0] * DEG, wps[-1][1] * DEG) < 1.0


def test_route_stays_on_the_great_circle():
    # midpoint of a single leg along the equator stays on the equator
    wp_lat, wp_lon = np.array([0.0]), np.array([10 * DEG])
    lat, lon, brg, _, _ = route_step(np.array([0.0]), np.array([0.0]), np.zeros(1, np.int32), np.array([1000.0]),
                                     500.0, np.array([0]), np.array([1]), wp_lat, wp_lon, np.array([False]))
    assert abs(lat[0]) < 1e-12
    assert lon[0] == pytest.approx(500_000 / 6_371_008.8, rel=1e-12)
    assert brg[0] == pytest.approx(np.pi / 2)


def test_cruise_altitude_in_the_demo_run(small_run):
    import pyarrow.parquet as pq

    states = pq.read_table(small_run / "states.parquet")
    kinds = np.array(states.column("kind").to_pylist())
    alt = states.column("alt_m").to_numpy()[kinds == "cruise_missile"]
    # cruise at 30 m above the sea; the pop-up apex is 400 m
    assert np.median(alt) == pytest.approx(30.0, abs=1.0)
    assert alt.max() <= 400.0 + 1e-6


def test_terminal_profiles():
    d = np.array([20_000.0, 8_000.0, 4_000.0, 2_000.0, 0.0])
    popup = terminal_height(30.0, d, np.full(5, 1), 8_000.0, 400.0)
    assert popup[0] == 30.0 and popup[1] == pytest.approx(30.0)
    assert popup[2] == pytest.approx(400.0)             # apex at half the terminal range
    assert popup[3] == pytest.approx(200.0) and popup[4] == 0.0
    dive = terminal_height(30.0, d, np.full(5, 2), 8_000.0, 400.0)
    assert dive[2] == pytest.approx(15.0) and dive[4] == 0.0
