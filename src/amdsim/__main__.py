"""``python -m amdsim`` is the ``amdsim`` command."""

from amdsim.cli import main

if __name__ == "__main__":
    main()
