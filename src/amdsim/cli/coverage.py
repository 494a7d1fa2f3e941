"""``amdsim coverage``: where each force detects a target flying at a given altitude."""

from __future__ import annotations

from pathlib import Path

import typer

from amdsim.cli.app import app


@app.command()
def coverage(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    altitude: float = typer.Option(30.0, "--altitude", help="Target height above the surface (m); 30 m is a sea-skimmer."),
    rcs: float = typer.Option(0.1, "--rcs", min=1e-6, help="Target radar cross-section (m^2)."),
    time: float = typer.Option(0.0, "--time", min=0.0, help="Scenario time (s) at which platforms are placed."),
    threshold: float = typer.Option(0.5, "--pd", min=0.0, max=1.0, help="Detection-probability threshold."),
    out: Path = typer.Option(Path("coverage"), "--out", "-o", help="Folder for coverage.png and coverage.geojson."),
    resolution: int = typer.Option(220, "--resolution", min=20, max=2000, help="Grid points per side."),
) -> None:
    """Map where a target at ALTITUDE is detected with Pd >= 0.5 by each blue force (PNG + GeoJSON).

    The low-altitude gap made visible: compare --altitude 30 with --altitude 3000.
    """
    from amdsim.review.coverage_map import write_coverage
    from amdsim.scenario import load_compiled

    cs = load_compiled(scenario)
    res = write_coverage(cs, out, altitude, rcs, time, threshold, resolution)
    for force, area in res["area_km2"].items():
        typer.echo(f"{force}: {area:,.0f} km² with Pd >= {threshold}")
    typer.echo(f"wrote {res['png']} and {res['geojson']}")
