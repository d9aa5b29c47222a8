"""The validation checks in the order of the table (docs/validation.md). Each entry: a name, the
function that runs it for a tier's sizes and returns a vcommon.Result, and whether its rows are
expected failures (a model the engine cannot express; the reason is in the rows)."""
import v_averaging
import v_bounded
import v_cascade
import v_determinism
import v_voter

CHECKS = [
    ("degroot", v_averaging.check_degroot, False),
    ("friedkin_johnsen", v_averaging.check_friedkin_johnsen, False),
    ("hegselmann_krause", v_bounded.check_hk, False),
    ("deffuant", v_bounded.check_deffuant, False),
    ("voter", v_voter.check_linear_voter, False),
    ("voter_binary", v_voter.check_binary_voter, True),
    ("sir", v_cascade.check_sir, False),
    ("sir_complete", v_cascade.check_sir_complete, False),
    ("maki_thompson", v_cascade.check_maki_thompson, True),
    ("determinism", v_determinism.check_threads, False),
    ("crn", v_determinism.check_crn, False),
]
