# amdsim: `make demo` installs and runs the bundled demo end to end; `make test` installs and runs the tests.
PYTHON ?= python3
PIP = $(PYTHON) -m pip
VIEWER = src/amdsim/review/viewer

.PHONY: install install-test system-deps demo test bench lint check docs schema dist

install:
	$(PIP) install --quiet --disable-pip-version-check -e .
	@# compile the engine's numba kernels into their cache while npm installs the viewer (engine/warm.py)
	@$(PYTHON) -m amdsim.engine.warm & warm=$$!; \
	if [ -f $(VIEWER)/package.json ]; then npm --prefix $(VIEWER) ci --no-audit --no-fund --loglevel=error || npm --prefix $(VIEWER) install --no-audit --no-fund --loglevel=error; fi; \
	wait $$warm || echo "note: warming numba's cache failed; the first run will compile its kernels" >&2

install-test: install system-deps
	$(PIP) install --quiet --disable-pip-version-check -e ".[test,docs]"

# Debian's chromium (browser tests) and tshark (DIS dissector); installed when missing and we are root.
system-deps:
	@bash scripts/install-system-deps.sh

demo: install
	amdsim demo --out runs/demo

test: install-test
	$(PYTHON) -m pytest -q

bench: install
	amdsim bench --out bench-results/bench.json

lint:
	ruff check src tests

# The house rules: lint, imports only downward (import-linter), types (mypy), and the documentation
# site builds with every warning an error.
check: install-test
	ruff check src tests
	lint-imports
	mypy
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs build --strict --quiet --site-dir site

# The documentation site (MkDocs Material) into site/; the scenario reference is generated from the models.
docs:
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs build --strict --site-dir site

# The editor schema shipped in the package (tests/scenario/test_schema_file.py fails when it is stale).
schema:
	amdsim schema --out src/amdsim/data/amdsim.schema.json

# A wheel and an sdist in dist/, carrying the viewer's assets (setup.py's build hook).
dist:
	$(PYTHON) -m build --outdir dist .
