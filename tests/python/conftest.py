"""Shared fixtures for the Python integration tests: the dipsim binary and a scratch folder."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def dipsim():
    """Path of the dipsim executable (env DIPSIM, else the release build)."""
    path = pathlib.Path(os.environ.get("DIPSIM", ROOT / "build/release/bin/dipsim"))
    assert path.exists(), f"dipsim binary not found at {path}; run `make build` first"
    return path


@pytest.fixture
def run_cli(dipsim):
    """Runs dipsim with arguments; returns the CompletedProcess (never raises on exit code)."""

    def run(*args, timeout=120, **kwargs):
        return subprocess.run([str(dipsim), *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT, **kwargs)

    return run
