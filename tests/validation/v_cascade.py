"""Spreading: independent cascade / SIR on Erdos-Renyi and complete graphs, and the Maki-Thompson
rumour (advocacy with stifling, scenarios/validation/maki_thompson.yaml).

Mapping (scenarios/validation/sir_erdos_renyi.yaml): one seeded story; every exposure is one
independent trial with probability T (= reshare_propensity, because appeal, agreement and the
quality weight are all 1); a citizen reshares a root at most once and its reshare is visible for
one step: SIR with a one-step infectious period (independent cascade, Kempe et al. 2003).
On a directed ER graph with mean degree k the offspring of every infected citizen is
Binomial(n-1, pT) ~ Poisson(kT), so (Newman 2002, Phys. Rev. E 66:016128):
- the probability q that one seed starts a major outbreak solves q = 1 - exp(-kT q);
- the final size S of a major outbreak solves S = 1 - exp(-kT S) (the same equation here);
- below the threshold kT = 1 there are only minor outbreaks, of mean size 1/(1 - kT) (mean total
  progeny of a branching process), with the Borel distribution's variance kT/(1-kT)^3.
Reference values are solved here with scipy (brentq), with T as the engine holds it (float32).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from vcommon import K_SE, Result, Row, Run, expect, expect_range, f32, fmt, mean_se, run_many

K = 10.0  # mean degree of the ER presets


def final_size(r0: float) -> float:
    """Positive root of S = 1 - exp(-r0 S) (0 if r0 <= 1)."""
    if r0 <= 1.0:
        return 0.0
    return brentq(lambda s: s - 1.0 + math.exp(-r0 * s), 1e-12, 1.0)


def final_size_binomial(n: int, t: float) -> float:
    """Final size on the complete graph of n: 1 - S = (1 - T S)^(n-1) (each of the n-1 others
    transmits independently with probability T once infected)."""
    g = lambda s: 1.0 - s - (1.0 - t * s) ** (n - 1)
    if (n - 1) * t <= 1.0:
        return 0.0
    return brentq(g, 1e-9, 1.0)


SIR_STEPS = 150  # a generation takes 2 steps; even kT = 1.5 ends within ~60 generations
COMPLETE_STEPS = 100  # complete graph (R0 1.5 to 3): every citizen scans n - 1 followees a step


def _load_cascades(f, run):
    size = f["cascades/size"][:].astype(np.int64)
    end = f["cascades/start_step"][:].astype(np.int64) + f["cascades/lifetime"][:]
    steps = int(f["metrics/step"][-1])
    # A cascade whose last reshare is within 4 steps of the end may still be growing.
    if size.size and int(end.max()) > steps - 4:
        raise AssertionError(f"a cascade was still growing at the end of the run "
                             f"(last reshare at step {int(end.max())} of {steps})")
    n = int(f["graph"].attrs["num_citizens"]) if "num_citizens" in f["graph"].attrs else int(
        f["graph/country_population"][:].sum())
    return {"size": size, "n": n, "depth": f["cascades/depth"][:].astype(np.int64)}


def check_sir(sz) -> Result:
    rows: list[Row] = []
    fig = {"kt": [], "q": [], "q_se": [], "S": [], "S_se": [], "sub_kt": [], "sub_mean": [],
           "sub_se": []}
    # Supercritical: single seeds, many runs.
    runs, labels = [], []
    for j, kt in enumerate(sz.sir_kt):
        for s in range(1, sz.sir_reps + 1):
            runs.append(Run("sir_erdos_renyi.yaml", 100 * j + s,
                            {"citizens.count": sz.sir_n, "citizens.reshare_propensity": kt / K,
                             "run.steps": SIR_STEPS}))
            labels.append(kt)
    res = run_many(runs, _load_cascades)
    for kt in sz.sir_kt:
        sizes = np.array([r["size"][0] / r["n"] for r, l in zip(res, labels) if l == kt])
        n = res[0]["n"]
        r0 = K * f32(kt / K)
        target = final_size(r0)
        major = sizes > 0.1 * target  # minor outbreaks stay O(1) citizens; majors ~ S n
        q_hat = float(major.mean())
        q_se = math.sqrt(target * (1 - target) / len(sizes))
        rows.append(expect(
            "SIR / independent cascade (ER)", f"kT = {kt}: P(one seed -> major outbreak) = q, "
            f"q = 1 - exp(-kT q) (n={n}, {len(sizes)} runs)", target, q_hat, K_SE * q_se,
            f"binomial SE sqrt(q(1-q)/runs) = {fmt(q_se, 2)}, {K_SE:g} SE; major = more than "
            f"{0.1 * target:.2f} n (minor outbreaks are a few citizens)", "sir_erdos_renyi.yaml"))
        m, se = mean_se(sizes[major])
        rows.append(expect(
            "SIR / independent cascade (ER)", f"kT = {kt}: final size of a major outbreak S, "
            f"S = 1 - exp(-kT S) (n={n}, {int(major.sum())} majors)", target, m,
            K_SE * se + 2.0 / n,
            f"{K_SE:g} SE over runs (SE {fmt(se, 2)}) + 2/n: the seed is counted once and may "
            "reshare its own story (+-1 citizen); the 1/n finite-size bias of the mean is "
            "smaller still", "sir_erdos_renyi.yaml"))
        fig["kt"].append(kt)
        fig["q"].append(q_hat)
        fig["q_se"].append(q_se)
        fig["S"].append(m)
        fig["S_se"].append(se)

    # Subcritical: many seeds per run (cascades are small and barely overlap).
    sub_kt = (0.5, 0.8)
    runs = [Run("sir_erdos_renyi.yaml", 500 + 10 * j + s,
                {"citizens.count": sz.sir_sub_n, "citizens.reshare_propensity": kt / K,
                 "events[0].count": sz.sir_sub_seeds_per_run, "run.steps": 80})
            for j, kt in enumerate(sub_kt) for s in range(sz.sir_sub_runs)]
    res = run_many(runs, _load_cascades)
    for j, kt in enumerate(sub_kt):
        sizes = np.concatenate([r["size"] for r in res[j * sz.sir_sub_runs:
                                                         (j + 1) * sz.sir_sub_runs]])
        n = res[j * sz.sir_sub_runs]["n"]
        lam = K * f32(kt / K)
        target = 1.0 / (1.0 - lam)
        se_theory = math.sqrt(lam / (1 - lam) ** 3 / len(sizes))
        m, se_emp = mean_se(sizes)
        se = max(se_theory, se_emp)
        rows.append(expect(
            "SIR / independent cascade (ER)", f"kT = {kt} (below threshold): mean cascade size "
            f"1/(1 - kT) ({len(sizes)} cascades, n={n})", target, m, K_SE * se,
            f"{K_SE:g} SE; SE from the Borel variance kT/(1-kT)^3 ({fmt(se_theory, 2)}) or the "
            f"sample ({fmt(se_emp, 2)}), whichever is larger; {sz.sir_sub_seeds_per_run} seeds "
            f"per run in {n} citizens overlap in <1% of exposures", "sir_erdos_renyi.yaml"))
        fig["sub_kt"].append(kt)
        fig["sub_mean"].append(m)
        fig["sub_se"].append(se)
        if kt == max(sub_kt):
            rows.append(expect_range(
                "SIR / independent cascade (ER)", f"kT = {kt}: no major outbreak (largest of "
                f"{len(sizes)} cascades / n)", -np.inf, 0.01, float(sizes.max()) / n,
                "below the threshold kT = 1 a cascade reaches O(1) citizens; a major one would "
                "reach a finite share of n (1% is far above any subcritical cascade here)",
                "sir_erdos_renyi.yaml"))
    return Result("sir", rows, fig)


def check_sir_complete(sz) -> Result:
    """SIR on the complete graph with R0 = 2: final ignorant fraction 0.2032 (= Maki-Thompson's
    number, by coincidence of the final-size equations)."""
    n = sz.sir_complete_n
    if n == 0:
        return Result("sir_complete", [], {})
    t = 2.0 / (n - 1)
    runs = [Run("sir_complete.yaml", s, {"citizens.count": n, "citizens.reshare_propensity": t,
                                         "run.steps": COMPLETE_STEPS})
            for s in range(1, sz.sir_complete_reps + 1)]
    res = run_many(runs, _load_cascades)
    sizes = np.array([r["size"][0] / n for r in res])
    major = sizes > 0.3
    ign = 1.0 - sizes[major]
    target_inf = 1.0 - final_size(2.0)
    target = 1.0 - final_size_binomial(n, f32(t))
    m, se = mean_se(ign)
    rows = [expect(
        "SIR (complete graph, R0 = 2)", f"final never-infected fraction x = exp(-2(1 - x)) = "
        f"{target_inf:.4f} (n={n}, {int(major.sum())} major outbreaks of {len(sizes)})", target,
        m, K_SE * se + 2.0 / n,
        f"target for n = {n}: 1 - S with 1 - S = (1 - T S)^(n-1); {K_SE:g} SE ({fmt(se, 2)}) + "
        "2/n (seed counting). This equals the Maki-Thompson number, but it is SIR, not MT "
        "(see the Maki-Thompson row)", "sir_complete.yaml")]
    fig = {"ignorant": ign.tolist(), "target": target, "target_inf": target_inf, "n": n}
    return Result("sir_complete", rows, fig)


MT_TARGET = 1.0 - final_size(2.0)  # 0.2032: x = exp(-2 (1 - x))
MT_ACTIVITY = 0.04  # p of maki_thompson.yaml


def mt_posts_per_day(n: int, lam: float, p: float = MT_ACTIVITY) -> float:
    """posts_per_day of the state (ministry and embassy each) that makes a session meet a
    citizen's post with probability lam: N p / (N p + M) = lam with M = 2 posts_per_day / 24."""
    return 12.0 * n * p * (1.0 / lam - 1.0)


def _load_mt(f, run):
    size = f["cascades/size"][:].astype(np.int64)
    i = int(np.argmax(size))
    end = int(f["cascades/start_step"][i] + f["cascades/lifetime"][i])
    steps = int(f["metrics/step"][-1])
    n = int(f["graph"].attrs["num_citizens"])
    lam = float(run.tag)
    unit = 1.0 / (MT_ACTIVITY * lam)  # steps per unit of MT time (one contact per citizen)
    if end > steps - 2 * unit:
        raise AssertionError(f"the rumour may still be spreading at the end of the run (last share "
                             f"at step {end} of {steps})")
    return {"ignorant": 1.0 - size[i] / n, "n": n, "lambda": lam}


def check_maki_thompson(sz) -> Result:
    """Maki-Thompson on the complete graph: the final ignorant fraction at two values of lambda
    (readers per share per step), extrapolated linearly to lambda -> 0 (one contact at a time)."""
    n, reps = sz.mt_n, sz.mt_reps
    lams = sz.mt_lambdas
    runs = []
    for j, lam in enumerate(lams):
        steps = int(32.0 / (MT_ACTIVITY * lam))  # ~ 32 units of MT time: the rumour is over by ~25
        for s in range(reps):
            runs.append(Run("maki_thompson.yaml", 500 + 100 * j + s,
                            {"citizens.count": n, "run.steps": steps,
                             "states[0].posts_per_day": mt_posts_per_day(n, lam)}, tag=lam))
    res = run_many(runs, _load_mt)
    rows = []
    means, ses = [], []
    for j, lam in enumerate(lams):
        ign = [r["ignorant"] for r in res[j * reps:(j + 1) * reps]]
        m, se = mean_se(ign)
        means.append(m)
        ses.append(se)
    (l1, l2), (m1, m2), (s1, s2) = lams, means, ses
    m0 = m1 + (m1 - m2) * l1 / (l2 - l1)
    se0 = math.hypot(s1 * l2 / (l2 - l1), s2 * l1 / (l2 - l1))
    rows.append(expect(
        "Maki-Thompson rumour (complete)", f"final ignorant fraction 0.2032, extrapolated to "
        f"lambda -> 0 from lambda = {l1:g} ({fmt(m1, 4)}) and {l2:g} ({fmt(m2, 4)}) (n={n}, "
        f"{reps} runs each)", MT_TARGET, m0, K_SE * se0 + 1.0 / n,
        f"{K_SE:g} SE of the linear extrapolation ({fmt(se0, 2)}) + 1/n (finite n); lambda = "
        "readers per share per step: with several readers in one step a share converts readers "
        "after it has gone stale, lowering the ignorant fraction (~0.13 at lambda = 1)",
        "maki_thompson.yaml"))
    fig = {"lambdas": list(lams), "means": means, "ses": ses, "m0": m0, "se0": se0,
           "target": MT_TARGET, "n": n}
    return Result("maki_thompson", rows, fig)
