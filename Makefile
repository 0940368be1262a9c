# Two commands do all the set-up on a fresh machine:
#   make demo   - create .venv, install cleaner, clean samples/ into out/demo and print a summary
#   make test   - create .venv, install cleaner with its test tools and the Ray extra, the Debian packages the
#                 browser tests need (only what is missing, upgrading nothing), check the code (ruff, mypy)
#                 and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint bench clean browser train

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

# lint first: a style or type error fails CI as a failing test does (ruff <1 s, mypy ~10 s CPU cold)
test: $(VENV)/.installed-dev browser lint
	$(BIN)/python -m pytest -q

# Debian packages for the browser tests (tests/test_report_browser.py, tests/test_review_browser.py):
# chromium, and fonts-wqy-microhei, a small CJK font (one 5 MB file) so that the review page's Chinese
# evidence is drawn as glyphs, not empty boxes. Only missing packages are installed, without their
# recommended extras (--no-install-recommends); when installing them would upgrade a package already
# on the machine, nothing is installed (the apt-get simulation says so) and the tests that need them
# skip. Without root or apt-get they skip too, and say why.
DEBS = chromium fonts-wqy-microhei

browser:
	@missing=""; for p in $(DEBS); do dpkg -s $$p 2>/dev/null | grep -q "^Status: install ok installed" || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make: missing:$$missing; no root apt-get here, so the browser tests will be skipped"; exit 0; fi; \
	apt-get update -qq || { echo "make: apt-get update failed; the browser tests will be skipped"; exit 0; }; \
	upgrades=$$(apt-get install -s --no-install-recommends $$missing | grep "^Inst [^ ]* \["); \
	if [ -n "$$upgrades" ]; then \
	  echo "make: installing$$missing would upgrade packages already on this machine:"; echo "$$upgrades"; \
	  echo "make: nothing installed; the browser tests will be skipped"; exit 0; fi; \
	echo "make: installing Debian's$$missing for the browser tests (no recommended packages)"; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade $$missing >/dev/null \
	  || echo "make:$$missing could not be installed; the browser tests will be skipped"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# bytecode first, as an installed package has it: with PYTHONDONTWRITEBYTECODE set (as on the CI
# machines) every process would otherwise compile the package's sources again at start-up
bench: $(VENV)/.installed-run
	$(BIN)/python -m compileall -q src
	$(BIN)/python bench/bench.py

# the learned spam scorer: rules/spam/ad_segment.weights.tsv from ../shared/real-world, the corpus and web-eval
train: $(VENV)/.installed-dev
	$(BIN)/python train/train_spam.py

clean:
	rm -rf out .pytest_cache .hypothesis
