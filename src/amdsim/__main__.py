"""``python -m amdsim`` is the ``amdsim`` command."""

from amdsim.cli import main

main()
