"""Fast tier of the validation suite (docs/validation.md): every classic-model check of
tests/validation at small sizes, with tolerances derived for those sizes, in the default
`make test` (about a minute on 2 cores).

The checks live in tests/validation (one module per family, presets in scenarios/validation);
the full suite is `/usr/bin/python3 tests/validation/run_validation.py`.
"""
import pathlib
import sys

import pytest

VALIDATION = pathlib.Path(__file__).resolve().parents[1] / "validation"
sys.path.insert(0, str(VALIDATION))

import vsizes as sizes  # noqa: E402
from v_averaging import check_degroot, check_friedkin_johnsen  # noqa: E402
from v_bounded import check_deffuant, check_hk  # noqa: E402
from v_cascade import check_maki_thompson, check_sir  # noqa: E402
from v_determinism import check_crn, check_threads  # noqa: E402
from v_voter import check_binary_voter, check_linear_voter  # noqa: E402
from vcommon import assert_rows, precise_path  # noqa: E402

FAST = sizes.FAST


@pytest.fixture(autouse=True)
def _binary(dipsim, monkeypatch):
    """The validation helpers find the binary through DIPSIM (conftest's `dipsim` fixture)."""
    monkeypatch.setenv("DIPSIM", str(dipsim))


def _check(fn):
    rows = fn(FAST).rows
    assert rows
    assert_rows(rows)


def test_degroot_consensus_is_left_perron_average():
    _check(lambda sz: check_degroot(sz, float64=False))


def test_friedkin_johnsen_fixed_point():
    _check(lambda sz: check_friedkin_johnsen(sz, float64=False))


@pytest.fixture
def _float64_build():
    if precise_path() is None:
        pytest.skip("the float64 build is not built here (make build-precise; make validate "
                    "builds it and checks these rows at full size)")


def test_degroot_to_1e9_with_float64_build(_float64_build):
    _check(lambda sz: check_degroot(sz, float64=True))


def test_friedkin_johnsen_to_1e9_with_float64_build(_float64_build):
    _check(lambda sz: check_friedkin_johnsen(sz, float64=True))


def test_hegselmann_krause_matches_numpy_and_threshold():
    _check(check_hk)


def test_deffuant_cluster_counts():
    _check(check_deffuant)


def test_linear_voter_with_zealots():
    _check(check_linear_voter)


def test_sir_final_size_and_threshold():
    _check(check_sir)


def test_threads_give_identical_files():
    _check(check_threads)


def test_common_random_numbers():
    _check(check_crn)


def test_binary_voter_with_zealots():
    _check(check_binary_voter)


def test_maki_thompson_rumour():
    _check(check_maki_thompson)
