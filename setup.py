"""Build hook: the wheel and the sdist carry the web viewer's third-party assets.

Everything else about the package is declared in pyproject.toml. The viewer page needs Leaflet,
topojson-client and world-atlas (npm packages; ``make install`` puts them in
``src/amdsim/review/viewer/node_modules``). ``build_py`` copies the files listed in
``amdsim.review.assets.VENDOR_FILES`` (each package's LICENSE included) into the built package's
``amdsim/review/viewer/vendor/``; ``sdist`` puts the same copy into the source archive, so a wheel
built from the sdist needs neither npm nor the network. When neither a vendored copy nor
node_modules is present, the hook runs ``npm ci`` first (npm and the npm registry needed then).
An editable install (``pip install -e .``) copies nothing: the server reads node_modules directly.
"""

from __future__ import annotations

import glob
import importlib.util
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
VIEWER_REL = Path("src/amdsim/review/viewer")


def _assets_module():
    """amdsim/review/assets.py loaded by path (importing amdsim would need its dependencies)."""
    spec = importlib.util.spec_from_file_location("_amdsim_assets", ROOT / "src/amdsim/review/assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _asset_source() -> Path:
    """A folder holding the npm packages: a vendored copy (unpacked sdist), else node_modules after npm ci."""
    assets = _assets_module()
    vendored, node_modules = ROOT / VIEWER_REL / "vendor", ROOT / VIEWER_REL / "node_modules"
    if assets.is_complete(vendored):
        return vendored
    if not assets.is_complete(node_modules):
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("amdsim build: the viewer's assets need npm (Debian: apt-get install npm); "
                             f"or run `npm --prefix {VIEWER_REL} ci` before building")
        print(f"amdsim build: npm ci in {VIEWER_REL}", flush=True)
        subprocess.run([npm, "--prefix", str(ROOT / VIEWER_REL), "ci", "--no-audit", "--no-fund",
                        "--loglevel=error"], check=True)
    if not assets.is_complete(node_modules):
        raise SystemExit(f"amdsim build: {node_modules} lacks the viewer's packages after npm ci")
    return node_modules


def vendor_assets(dest: Path) -> list[Path]:
    """Copy the vendored files (VENDOR_FILES, licences included) into ``dest``; the files written."""
    source = _asset_source()
    if source.resolve() == dest.resolve():
        return []
    written = []
    for package, patterns in _assets_module().VENDOR_FILES.items():
        for pattern in patterns:
            matches = sorted(glob.glob(str(source / package / pattern)))
            if not matches:
                raise SystemExit(f"amdsim build: {package}/{pattern} not found in {source}")
            for match in matches:
                target = dest / Path(match).relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(match, target)
                written.append(target)
    return written


class BuildPyWithAssets(build_py):
    """build_py, then the viewer's assets into build_lib/amdsim/review/viewer/vendor."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        vendor_assets(Path(self.build_lib) / "amdsim" / "review" / "viewer" / "vendor")


class SdistWithAssets(sdist):
    """sdist whose archive also holds src/amdsim/review/viewer/vendor (no npm needed downstream)."""

    def make_release_tree(self, base_dir, files) -> None:
        super().make_release_tree(base_dir, files)
        vendor_assets(Path(base_dir) / VIEWER_REL / "vendor")


setup(cmdclass={"build_py": BuildPyWithAssets, "sdist": SdistWithAssets})
