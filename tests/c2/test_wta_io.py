"""``amdsim wta``: instance-file errors name the file and the field; output JSON and exit status.

The loader (``amdsim.cli.wta_io.wta_load``) belongs to the CLI: the solvers in ``amdsim.c2.wta``
take arrays and read no files.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from amdsim.cli.wta_io import wta_load
from amdsim.core.errors import InputError


@pytest.mark.parametrize(
    "doc, field",
    [
        ('{"values": [1, 2]}', "pk"),
        ('{"values": [1, 2], "pk": [[0.5, 0.5], [0.5]]}', "pk[1]"),
        ('{"values": [1, 2], "pk": [[0.5, 1.5]]}', "pk[0][1]"),
        ('{"values": "x", "pk": []}', "values"),
        ('{"values": [1], "pk": [[0.5]], "solver": "magic"}', "solver"),
        ('{"values": [1, 2', ""),
    ],
)
def test_load_errors_name_file_and_field(tmp_path, doc, field):
    f = tmp_path / "inst.json"
    f.write_text(doc)
    with pytest.raises(InputError) as err:
        wta_load(f)
    msg = err.value.user_message()
    assert str(f) in msg and field in msg


def test_cli_output_and_exit_status(tmp_path):
    f = tmp_path / "inst.json"
    f.write_text(json.dumps({"values": [10, 5], "pk": [[0.8, 0.5], [0.6, 0.0], [0.5, 0.5]], "solver": "exact"}))
    out = subprocess.run([sys.executable, "-m", "amdsim", "wta", str(f)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["assignment"] == [0, 0, 1] and res["optimal"] is True and res["solver"] == "exact"
    assert res["objective"] == pytest.approx(3.3)
    f.write_text('{"values": [1, 2], "pk": [[0.5]]}')
    out = subprocess.run([sys.executable, "-m", "amdsim", "wta", str(f)], capture_output=True, text=True)
    assert out.returncode == 2 and "pk[0]" in out.stderr and "Traceback" not in out.stderr
