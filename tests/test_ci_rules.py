"""The suite's own rule: in CI (``CI=true``) a test that would skip fails; elsewhere it skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MISSING_PART = """
import pytest

needs_tool = pytest.mark.skipif(True, reason="frobnicate is not installed")


@needs_tool
def test_marked():
    pass


def test_inside():
    pytest.skip("reference data is not present")


@pytest.mark.xfail(reason="known gap")
def test_expected_failure():
    assert False


def test_plain():
    pass
"""


def _outcomes(folder: Path, ci: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfs", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
    )
    return done.stdout


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    """A small suite with our conftest and tests that lack their real part."""
    folder = tmp_path_factory.mktemp("suite")
    shutil.copy(HERE / "conftest.py", folder / "conftest.py")
    (folder / "test_parts.py").write_text(MISSING_PART, encoding="utf-8")
    return folder


def test_skips_fail_in_ci_with_the_reason(suite: Path) -> None:
    out = _outcomes(suite, "true")
    # a skip in set-up (a skip mark, a fixture) is an error, one in the test a failure
    assert "1 failed, 1 passed, 1 xfailed, 1 error" in out, out
    assert "CI=true allows no skip: frobnicate is not installed" in out
    assert "CI=true allows no skip: reference data is not present" in out


@pytest.mark.parametrize("ci", [None, "false"])
def test_skips_stay_skips_on_a_laptop(suite: Path, ci: str | None) -> None:
    out = _outcomes(suite, ci)
    assert "1 passed, 2 skipped, 1 xfailed" in out, out
