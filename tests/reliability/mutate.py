"""Scenario mutations for the fuzz tests: structured (on the parsed dict) and textual (on the bytes).

Every mutation takes a *chooser* ``c`` with two methods, ``c.pick(seq)`` and ``c.integer(lo, hi)``,
so the same code serves hypothesis (``HypothesisChooser`` over ``st.data()``) and a plain
``random.Random`` (``RandomChooser``, for exploring at the command line).
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASES = {
    "small": ROOT / "tests" / "data" / "small.yaml",
    "demo": ROOT / "src" / "amdsim" / "data" / "demo.yaml",
}

#: Values that break naive code: wrong types, non-finite and extreme numbers, odd strings.
WEIRD_VALUES: list = [
    None, True, False, 0, -1, 1, -0.0, 0.0, 1e-300, -1e-300, 1e308, -1e308, 1.7976931348623157e308,
    math.nan, math.inf, -math.inf, 2**63, -(2**63), 2**64 + 1, 10**30, -(10**30), 10**400,
    "", "x", "nan", "inf", "-inf", "1e999", "0x10", "yes", "~", "null", "\u00e9t\u00e9 \u2603", "a" * 5000,
    "../../etc/passwd", "2030-13-45T99:99:99Z", "2030-01-01T00:00:00+14:00",
    [], [None], [1, 2, 3], [[[]]], {}, {"a": 1}, {"lat_deg": 0, "lon_deg": 0},
]
#: Numeric factors applied to existing numbers.
FACTORS = [0.0, -1.0, -0.0, 1e-12, 1e-6, 0.5, 2.0, 1e6, 1e12, 1e300, math.nan, math.inf]
#: Fields that name other entities.
REFERENCE_KEYS = ("force", "site", "target", "aim", "interceptor")
#: Fields whose size multiplies the work of compiling and running.
COUNT_KEYS = ("count", "launchers", "interceptors_per_launcher", "missiles", "n_pulses", "salvo_size")


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, seq):
        if not seq:
            raise IndexError("nothing to pick from")
        return seq[self.rng.randrange(len(seq))]

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class HypothesisChooser:
    def __init__(self, data) -> None:
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def pick(self, seq):
        if not seq:
            raise IndexError("nothing to pick from")
        return seq[self.data.draw(self.st.integers(0, len(seq) - 1))]

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(lo, hi))


_BASE_CACHE: dict[str, tuple[bytes, dict]] = {}


def base(name: str) -> tuple[bytes, dict]:
    """Text and parsed dict of a base scenario (the dict is a fresh deep copy each call)."""
    if name not in _BASE_CACHE:
        text = BASES[name].read_bytes()
        _BASE_CACHE[name] = (text, yaml.safe_load(text))
    text, raw = _BASE_CACHE[name]
    return text, copy.deepcopy(raw)


def all_paths(obj, prefix: tuple = ()) -> list[tuple]:
    """Every (key/index) path into nested dicts and lists, the root excluded."""
    out = []
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, list):
        items = enumerate(obj)
    else:
        return out
    for k, v in items:
        out.append((*prefix, k))
        out.extend(all_paths(v, (*prefix, k)))
    return out


def _parent(raw, path):
    node = raw
    for k in path[:-1]:
        node = node[k]
    return node


# ---------------------------------------------------------------- structured mutations (dict -> dict)

def m_weird_value(raw, c) -> str:
    path = c.pick(all_paths(raw))
    _parent(raw, path)[path[-1]] = copy.deepcopy(c.pick(WEIRD_VALUES))
    return "wrong_type_or_extreme"


def m_scale_number(raw, c) -> str:
    paths = [p for p in all_paths(raw) if _is_number(_parent(raw, p)[p[-1]])]
    path = c.pick(paths)
    par = _parent(raw, path)
    f = c.pick(FACTORS)
    try:
        par[path[-1]] = par[path[-1]] * f
    except OverflowError:
        par[path[-1]] = math.inf
    return "extreme_number"


def m_delete_field(raw, c) -> str:
    paths = [p for p in all_paths(raw) if isinstance(_parent(raw, p), dict)]
    path = c.pick(paths)
    del _parent(raw, path)[path[-1]]
    return "missing_field"


def m_unknown_field(raw, c) -> str:
    dicts = [()] + [p for p in all_paths(raw) if isinstance(_parent(raw, p)[p[-1]], dict)]
    path = c.pick(dicts)
    node = raw if not path else _parent(raw, path)[path[-1]]
    node[c.pick(["speed_kts", "alt_ft", "id2", "Lat_deg", "unknown", "", "x" * 70])] = c.pick([1, "a", None])
    return "unknown_field"


def m_bad_reference(raw, c) -> str:
    paths = [p for p in all_paths(raw) if p[-1] in REFERENCE_KEYS]
    path = c.pick(paths)
    _parent(raw, path)[path[-1]] = c.pick(["nowhere", "red", "blue_a", "base", "sam", "ship_w", "tel"])
    return "wrong_reference"


def m_empty_list(raw, c) -> str:
    paths = [p for p in all_paths(raw) if isinstance(_parent(raw, p)[p[-1]], list)]
    path = c.pick(paths)
    _parent(raw, path)[path[-1]] = []
    return "empty_list"


def m_duplicate_item(raw, c) -> str:
    paths = [p for p in all_paths(raw) if isinstance(_parent(raw, p)[p[-1]], list) and _parent(raw, p)[p[-1]]]
    path = c.pick(paths)
    lst = _parent(raw, path)[path[-1]]
    lst.append(copy.deepcopy(c.pick(lst)))
    return "duplicate_item"


def m_huge_count(raw, c) -> str:
    paths = [p for p in all_paths(raw) if p[-1] in COUNT_KEYS]
    if not paths:
        return m_weird_value(raw, c)
    path = c.pick(paths)
    _parent(raw, path)[path[-1]] = c.pick([0, 64, 1000, 10_000, 10**6, 10**9, 2**31, 2**63])
    return "huge_count"


def m_degenerate_geometry(raw, c) -> str:
    """Coincident points, zero radii, zero-length legs: valid-looking input that breaks compilation."""
    kind = c.integer(0, 4)
    if kind == 0 and raw.get("ballistic_missiles"):
        bm = c.pick(raw["ballistic_missiles"])
        site = next((s for s in raw.get("launch_sites", []) if s["id"] == bm.get("site")), None)
        pos = copy.deepcopy(site["position"]) if site else {"lat_deg": 36.9, "lon_deg": 126.95}
        bm.pop("aim", None)
        bm["aim_position"] = pos
    elif kind == 1 and raw.get("aew"):
        c.pick(raw["aew"])["orbit"]["radius_m"] = c.pick([0, 1e-9, 1e-300, 1e9])
    elif kind == 2:
        movers = [a for g in ("assets", "radars", "batteries") for a in raw.get(g, [])]
        if movers:
            m = c.pick(movers)
            p = m["position"]
            m["route"] = {"speed_mps": c.pick([1e-9, 10, 1e6]), "waypoints": [
                {"lat_deg": p["lat_deg"], "lon_deg": p["lon_deg"]}] * c.integer(1, 3), "loop": c.pick([True, False])}
    elif kind == 3 and raw.get("cruise_missiles"):
        cm = c.pick(raw["cruise_missiles"])
        site = next((s for s in raw.get("launch_sites", []) if s["id"] == cm.get("site")), None)
        tgt = next((a for a in raw.get("assets", []) if a["id"] == cm.get("target")), None)
        if site and tgt:
            cm["waypoints"] = [{"lat_deg": tgt["position"]["lat_deg"], "lon_deg": tgt["position"]["lon_deg"]}] * 2
            site["position"] = copy.deepcopy(tgt["position"])
    else:
        p = c.pick([{"lat_deg": 90, "lon_deg": 0}, {"lat_deg": -90, "lon_deg": 180}, {"lat_deg": 0, "lon_deg": -180}])
        targets = [x for g in ("assets", "launch_sites", "radars", "batteries") for x in raw.get(g, [])]
        if targets:
            c.pick(targets)["position"] = dict(p)
    return "degenerate_geometry"


def m_dem_path(raw, c) -> str:
    """A terrain file that is missing, not a GeoTIFF, a folder or a device (found when the run starts)."""
    raw.setdefault("earth", {})["dem_path"] = c.pick(["/nonexistent.tif", "/etc/hostname", "/proc", "/dev/null",
                                                      "", str(BASES["small"]), "\x00.tif", "a" * 300])
    return "bad_dem_path"


STRUCTURED: list[Callable] = [m_weird_value, m_scale_number, m_delete_field, m_unknown_field, m_bad_reference,
                              m_empty_list, m_duplicate_item, m_huge_count, m_degenerate_geometry, m_dem_path]


def mutate_structured(raw: dict, c, n: int) -> list[str]:
    """Apply ``n`` structured mutations in place; returns their kinds."""
    kinds = []
    for _ in range(n):
        m = c.pick(STRUCTURED)
        try:
            kinds.append(m(raw, c))
        except (IndexError, KeyError, TypeError, AttributeError):  # an earlier mutation removed the structure
            kinds.append("skipped")
    return kinds


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


# ---------------------------------------------------------------- textual mutations (bytes -> bytes)

def billion_laughs(levels: int = 12, width: int = 10) -> bytes:
    """A YAML whose aliases expand to ``width ** levels`` nodes."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    lines.append("name: " + f"*a{levels - 1}")
    return ("\n".join(lines) + "\n").encode()


def deep_nesting(depth: int, flow: bool) -> bytes:
    if flow:
        return b"name: x\nforces: " + b"[" * depth + b"]" * depth + b"\n"
    lines = ["forces:"] + [" " * (2 * i) + "- a:" for i in range(1, depth)]
    return ("\n".join(lines) + "\n").encode()


def t_non_utf8(text: bytes, c) -> tuple[bytes, str]:
    pos = c.integer(0, len(text))
    junk = c.pick([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80", b"\xfe\xff", b"\xe9t\xe9"])
    return text[:pos] + junk + text[pos:], "non_utf8"


def t_byte_garbage(text: bytes, c) -> tuple[bytes, str]:
    kind = c.integer(0, 3)
    if kind == 0:   # random bytes
        n = c.integer(0, 400)
        return bytes(c.integer(0, 255) for _ in range(n)), "byte_garbage"
    if kind == 1:   # flip a few bytes of the real file
        b = bytearray(text)
        for _ in range(c.integer(1, 8)):
            b[c.integer(0, len(b) - 1)] = c.integer(0, 255)
        return bytes(b), "byte_garbage"
    if kind == 2:   # truncated
        return text[: c.integer(0, len(text))], "byte_garbage"
    return c.pick([b"", b"\n", b"---\n", b"- 1\n- 2\n", b"42\n", b"!!python/object:os.system ls\n", b"\x00",
                   b"a: !!binary AAAA\n", b"{a: 1, a: 2}\n", b"? [1, 2]\n: 3\n", b"%YAML 9.9\n---\na: 1\n",
                   b"name: &x\n  - *x\n"]), "byte_garbage"


def t_duplicate_key(text: bytes, c) -> tuple[bytes, str]:
    lines = text.split(b"\n")
    tops = [i for i, ln in enumerate(lines) if ln[:1].isalpha() and b":" in ln]
    i = c.pick(tops)
    key = lines[i].split(b":")[0]
    lines.insert(c.integer(0, len(lines)), key + b": " + c.pick([b"1", b"x", b"[]", b"{}"]))
    return b"\n".join(lines), "duplicate_key"


def t_hostile_yaml(text: bytes, c) -> tuple[bytes, str]:
    kind = c.integer(0, 3)
    if kind == 0:
        return billion_laughs(c.integer(6, 14), c.integer(5, 12)), "alias_bomb"
    if kind == 1:
        flow = c.pick([True, False])  # block nesting grows as depth**2 bytes: keep it to a few MB
        return deep_nesting(c.pick([70, 500, 5000, 50_000] if flow else [70, 500, 2000]), flow=flow), "deep_nesting"
    if kind == 2:   # an anchor reused inside the real scenario (fine) or pointing at itself (recursive)
        return text + c.pick([b"\nextra: &r [*r]\n", b"\nx: &e {a: 1}\ny: *e\n", b"\nz: *undefined\n"]), "anchors"
    return text.replace(b"forces:", b"forces: &f", 1) + b"\nassets2: *f\n", "anchors"


TEXTUAL: list[Callable] = [t_non_utf8, t_byte_garbage, t_duplicate_key, t_hostile_yaml]


def dump(raw) -> bytes:
    """YAML text of a dict, with nan/inf written the YAML way."""
    return yaml.safe_dump(raw, sort_keys=False, allow_unicode=True).encode()
