"""Sizes of the two tiers of the validation suite.

FULL: tests/validation/run_validation.py and the pytest modules in tests/validation (minutes).
FAST: tests/python/test_validation_fast.py in the default `make test` (seconds per model).
Every tolerance is derived from the sizes in use (replicates, population, rounds), so both tiers
make real assertions; the fast tier simply has wider statistical tolerances.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Sizes:
    name: str
    # DeGroot / Friedkin-Johnsen (exact checks; replicates = seeds)
    averaging_n: int
    averaging_seeds: int
    # Hegselmann-Krause: population, epsilons of the consensus scan, replicates per epsilon
    hk_n: int
    hk_eps: tuple
    hk_reps: int
    hk_rounds: int
    # Deffuant: population, rounds, replicates; epsilons = 1/(2n+1) for n in deffuant_law_n
    deffuant_n: int
    deffuant_rounds: int
    deffuant_reps: int
    deffuant_law_n: tuple
    deffuant_scan: tuple
    # SIR: population, replicates per k T in the supercritical scan, the k T values
    sir_n: int
    sir_reps: int
    sir_kt: tuple
    sir_sub_n: int
    sir_sub_seeds_per_run: int
    sir_sub_runs: int
    sir_complete_n: int
    sir_complete_reps: int
    # Maki-Thompson: population, replicates per lambda, the two lambdas (readers per share per
    # step) of the extrapolation to lambda -> 0
    mt_n: int
    mt_reps: int
    mt_lambdas: tuple
    # Linear voter with zealots: population, rounds, replicates, zealot shares (for, against)
    voter_n: int
    voter_rounds: int
    voter_reps: int
    voter_zealots: tuple
    # CRN: seeds per arm, population, steps
    crn_seeds: int
    crn_n: int
    crn_steps: int
    # Determinism: population and steps each scenario is shrunk to
    det_n: int
    det_steps: int


FULL = Sizes(
    name="full",
    averaging_n=2000, averaging_seeds=3,
    hk_n=500, hk_eps=(0.16, 0.18, 0.20, 0.21, 0.22, 0.23, 0.24, 0.26, 0.28), hk_reps=10,
    hk_rounds=200,
    deffuant_n=1000, deffuant_rounds=200, deffuant_reps=10, deffuant_law_n=(5, 4, 3, 2, 1),
    deffuant_scan=(0.22, 0.24, 0.26, 0.28, 0.30, 0.32),
    sir_n=20000, sir_reps=100, sir_kt=(1.5, 2.0, 3.0),
    sir_sub_n=100000, sir_sub_seeds_per_run=1000, sir_sub_runs=4,
    sir_complete_n=1000, sir_complete_reps=60,
    mt_n=1000, mt_reps=24, mt_lambdas=(0.05, 0.2),
    voter_n=500, voter_rounds=3000, voter_reps=4,
    voter_zealots=((0.02, 0.01), (0.1, 0.05), (0.3, 0.15)),
    crn_seeds=20, crn_n=5000, crn_steps=96,
    det_n=2000, det_steps=24,
)

FAST = Sizes(
    name="fast",
    averaging_n=500, averaging_seeds=1,
    hk_n=200, hk_eps=(0.15, 0.30), hk_reps=2, hk_rounds=100,
    deffuant_n=300, deffuant_rounds=150, deffuant_reps=4, deffuant_law_n=(3, 1),
    deffuant_scan=(),
    sir_n=5000, sir_reps=8, sir_kt=(2.0,),
    sir_sub_n=50000, sir_sub_seeds_per_run=500, sir_sub_runs=1,
    sir_complete_n=0, sir_complete_reps=0,
    mt_n=400, mt_reps=8, mt_lambdas=(0.1, 0.3),
    voter_n=300, voter_rounds=600, voter_reps=2, voter_zealots=((0.1, 0.05),),
    crn_seeds=10, crn_n=2000, crn_steps=48,
    det_n=1000, det_steps=12,
)
