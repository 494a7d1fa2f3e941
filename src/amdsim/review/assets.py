"""Where the viewer's third-party assets (Leaflet, topojson-client, world-atlas) are found.

An installed wheel carries them in ``viewer/vendor/`` (copied there by the build hook in
``setup.py``, licence files included); a source checkout has them in ``viewer/node_modules/`` after
``make install`` (``npm ci``). The server and the report map both ask :func:`assets_dir`, which
tries the vendored copy first, then node_modules. ``AMDSIM_VIEWER_ASSETS`` names another folder
(and then only that one), for a custom install or to test what a page without assets shows.

This module imports nothing from amdsim: ``setup.py`` loads it by path to learn what to vendor.
"""

from __future__ import annotations

import os
from pathlib import Path

VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
VENDOR_DIR = VIEWER_DIR / "vendor"
NODE_MODULES = VIEWER_DIR / "node_modules"
ENV_VAR = "AMDSIM_VIEWER_ASSETS"

#: The npm packages the page and the report use, and the files of each that are vendored (globs
#: relative to the package folder). Each package's LICENSE travels with it.
VENDOR_FILES: dict[str, tuple[str, ...]] = {
    "leaflet": ("LICENSE", "package.json", "dist/leaflet.js", "dist/leaflet.css", "dist/images/*.png"),
    "topojson-client": ("LICENSE", "package.json", "dist/topojson-client.min.js"),
    "world-atlas": ("LICENSE", "package.json", "land-50m.json"),
}
NPM_PACKAGES = tuple(VENDOR_FILES)
#: One file per package whose presence says the package is usable.
_PROBES = ("leaflet/dist/leaflet.js", "topojson-client/dist/topojson-client.min.js", "world-atlas/land-50m.json")

FIX_HINT = ("reinstall amdsim from a wheel built with its assets (`python -m build`), or in a source "
            "checkout run `make install` (it runs `npm --prefix src/amdsim/review/viewer ci`)")


def candidate_dirs() -> list[Path]:
    """The folders searched for the assets, in order."""
    override = os.environ.get(ENV_VAR)
    if override:
        return [Path(override)]
    return [VENDOR_DIR, NODE_MODULES]


def is_complete(folder: Path) -> bool:
    """True if ``folder`` holds every package the page needs (one probe file each)."""
    return all((folder / probe).is_file() for probe in _PROBES)


def assets_dir() -> Path | None:
    """The first candidate folder holding all the viewer's packages, or None."""
    return next((d for d in candidate_dirs() if is_complete(d)), None)


def asset_file(rel: str) -> Path | None:
    """``PACKAGE/PATH`` inside the assets folder (e.g. ``world-atlas/land-50m.json``), if present."""
    root = assets_dir()
    if root is None:
        return None
    path = root / rel
    return path if path.is_file() else None


def assets_missing() -> str | None:
    """A message naming where the assets were looked for and how to get them, or None if found."""
    if assets_dir() is not None:
        return None
    where = " or ".join(str(d) for d in candidate_dirs())
    return f"viewer assets (Leaflet, topojson-client, world-atlas) not found in {where}; {FIX_HINT}"
