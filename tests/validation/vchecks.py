"""The validation checks in the order of the table (docs/validation.md). Each entry: a name and
the function that runs it for a tier's sizes and returns a vcommon.Result."""
import v_averaging
import v_bounded
import v_cascade
import v_determinism
import v_voter

CHECKS = [
    ("degroot", v_averaging.check_degroot),
    ("friedkin_johnsen", v_averaging.check_friedkin_johnsen),
    ("hegselmann_krause", v_bounded.check_hk),
    ("deffuant", v_bounded.check_deffuant),
    ("voter", v_voter.check_linear_voter),
    ("voter_binary", v_voter.check_binary_voter),
    ("sir", v_cascade.check_sir),
    ("sir_complete", v_cascade.check_sir_complete),
    ("maki_thompson", v_cascade.check_maki_thompson),
    ("determinism", v_determinism.check_threads),
    ("crn", v_determinism.check_crn),
]
