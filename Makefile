# Two commands do all the set-up on a fresh machine:
#   make demo   - create .venv, install cleaner, clean samples/ into out/demo and print a summary
#   make test   - create .venv, install cleaner with its test tools and the Ray extra, run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev,ray]"
	touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	$(BIN)/cleaner run samples -o out/demo

test: $(VENV)/.installed-dev browser
	$(BIN)/python -m pytest -q

# Debian's chromium for the browser test of report.html (tests/test_report_browser.py); where it
# cannot be installed (not root, no apt-get, no network) the test skips and says why.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing Debian's chromium for the report.html browser test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "make: chromium could not be installed; the browser test will be skipped"; \
	  else echo "make: no chromium and no root apt-get; the browser test will be skipped"; fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# bytecode first, as an installed package has it: with PYTHONDONTWRITEBYTECODE set (as on the CI
# machines) every process would otherwise compile the package's sources again at start-up
bench: $(VENV)/.installed-run
	$(BIN)/python -m compileall -q src
	$(BIN)/python bench/bench.py

clean:
	rm -rf out .pytest_cache .hypothesis
