"""Shared fixtures: where the shared corpus and dev set live (tests that need them skip when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
DEV_EVAL = SHARED / "dev-eval"
SAMPLES = ROOT / "samples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*/expected.* from the current output (review the diff before "
                          "committing)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def need(path: Path) -> Path:
    """Skip the calling test when a shared folder (publishers' text, never copied here) is absent."""
    if not path.exists():
        pytest.skip(f"{path} is not present on this machine")
    return path


@pytest.fixture
def corpus_articles() -> Path:
    return need(CORPUS / "articles")


@pytest.fixture
def corpus_html() -> Path:
    return need(CORPUS / "html")


@pytest.fixture
def dev_eval() -> Path:
    return need(DEV_EVAL)
