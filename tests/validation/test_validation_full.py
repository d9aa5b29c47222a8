"""The full statistical validation suite as pytest tests (the same checks as
run_validation.py, at full size: ~15-20 minutes on 2 cores).

    /usr/bin/python3 -m pytest -q tests/validation/test_validation_full.py

The fast tier of the same checks is tests/python/test_validation_fast.py.
"""
import pytest

import vsizes as sizes
from vchecks import CHECKS
from vcommon import assert_rows


@pytest.mark.parametrize("check", [pytest.param(fn, id=name) for name, fn in CHECKS])
def test_full(check):
    rows = check(sizes.FULL).rows
    assert rows, "a check must produce at least one row"
    assert_rows(rows)
