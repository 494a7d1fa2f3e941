"""Bad command lines are usage errors (exit 2, click's message), never an "internal error".

Recent typer raises the exceptions of its vendored click copy, which ``amdsim.cli.main`` must
recognise as well as click's own.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import DATA

SMALL = str(DATA / "small.yaml")


@pytest.mark.parametrize("argv", [
    ["run", SMALL, "--out", "o", "--seed", "-1"],
    ["run", SMALL, "--out", "o", "--seed", "seven"],
    ["run", SMALL, "--out"],
    ["run", SMALL, "--out", "o", "--replications", "0"],
    ["run", SMALL],
    ["run", SMALL, "--out", "o", "--no-such-option"],
    ["no-such-command"],
    ["validate"],
], ids=["negative_seed", "seed_not_int", "out_without_value", "zero_replications", "missing_out",
        "unknown_option", "unknown_command", "missing_argument"])
def test_bad_command_line_is_a_usage_error(monkeypatch, capsys, tmp_path, argv):
    from amdsim.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["amdsim", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert "Error" in err and "internal error" not in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
