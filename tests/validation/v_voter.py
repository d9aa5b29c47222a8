"""Voter model with zealots (Mobilia 2003, Phys. Rev. Lett. 91:028701; Mobilia, Petersen & Redner
2007, J. Stat. Mech. P08029) and the linear (partial-copy) voter model with zealots (Acemoglu,
Como, Fagnani & Ozdaglar 2013, Math. Oper. Res. 38:1).

Binary voter model (voter_zealots.yaml): opinions +-1, each round (sessions every other step)
every free voter reads one uniformly random other voter's current opinion and copies it
(convergence 1, openness 2 = no confidence bound); zealots hold +1 / -1. On the complete graph
the number k of free voters at +1 is a Markov chain, k' = Bin(k, (k-1+Z+)/(n-1)) +
Bin(F-k, (k+Z+)/(n-1)), whose stationary distribution is computed here exactly (F+1 states):
- the free voters' magnetisation has stationary mean (Z+ - Z-)/(Z+ + Z-) (Mobilia's result;
  exact for this chain too) and a variance that shrinks as zealots grow (Mobilia, Petersen &
  Redner 2007: ~ a Beta law with parameters Z+, Z-);
- on any graph E[x_i] is the zealots' harmonic average (the expectation is linear), solved from
  the saved edges.
Zealots are read from graph/citizen_fixed.

Linear voter model, each round (sessions every other step, no lag): every free voter reads one
uniformly random followee's current opinion x and sets a <- a + mu (x - a), mu = 0.5; zealots
hold +1 / -1. Its expectation obeys the voter model's linear equation, so:
- complete graph: the free voters' mean settles at (Z+ - Z-)/(Z+ + Z-) (Mobilia's result),
  with the realised zealot numbers Z+, Z- of each run;
- any graph: E[a_i] is the zealots' harmonic average, a_F = W_FF a_F + W_FZ s_Z (W: the
  uniform choice among followees), solved here from the saved edges;
- on the complete graph the stationary variance of the free voters' mean is computed exactly
  from the closed recursion of E[M], E[M^2], E[Q] (M, Q: sum and sum of squares of free
  opinions; derivation in docs/validation.md). Unlike the binary model's, it RISES slightly
  with more zealots at fixed n: a read zealot is a jump of size ~1 for the reader.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy.stats import binom

from vcommon import K_SE, Result, Row, Run, expect, expect_range, fmt, follow_matrix, \
    mean_se, run_many, snapshots

MU = 0.5


def complete_graph_moments(n: int, zp: int, zm: int, mu: float = MU) -> tuple[float, float]:
    """Stationary mean and variance of the free voters' mean opinion in the synchronous linear
    voter model on the complete graph of n with zp zealots at +1 and zm at -1 (exact, from the
    closed linear recursion of the first and second moments; docs/validation.md)."""
    F, C, Z = n - zp - zm, zp - zm, zp + zm
    n1 = n - 1
    al = (1 - mu) + mu * (F - 1) / n1
    be = mu * F * C / n1
    A = np.zeros((3, 3))
    b = np.zeros(3)
    A[0, 0], b[0] = al, be
    A[1, 0] = 2 * al * be - mu ** 2 * 2 * C * (F - 1) / n1 ** 2
    A[1, 1] = al ** 2 - mu ** 2 * (F - 2) / n1 ** 2
    A[1, 2] = mu ** 2 * ((F - 1) / n1 - 1 / n1 ** 2)
    b[1] = be ** 2 + mu ** 2 * (F * Z / n1 - F * C ** 2 / n1 ** 2)
    A[2, 0] = 2 * mu * (1 - mu) * C / n1
    A[2, 1] = 2 * mu * (1 - mu) / n1
    A[2, 2] = (1 - mu) ** 2 - 2 * mu * (1 - mu) / n1 + mu ** 2 * (F - 1) / n1
    b[2] = mu ** 2 * F * Z / n1
    v = np.linalg.solve(np.eye(3) - A, b)
    return float(v[0] / F), float((v[1] - v[0] ** 2) / F ** 2)


def harmonic_mean_opinion(A: sp.csr_matrix, x0: np.ndarray,
                          zealot: np.ndarray | None = None) -> float:
    """Expected stationary mean opinion of the free voters: zealots (default: x0 = +-1) and free
    voters who follow nobody keep their value; the others satisfy a_i = mean of their followees."""
    d = np.asarray(A.sum(axis=1)).ravel()
    if zealot is None:
        zealot = np.abs(x0) == 1.0
    fixed = zealot | (d == 0)
    free = ~fixed
    W = sp.diags(1.0 / np.maximum(d, 1)) @ A
    Wff = W[free][:, free]
    Wfz = W[free][:, fixed]
    rhs = Wfz @ x0[fixed]
    a = sla.spsolve((sp.identity(int(free.sum())) - Wff).tocsc(), rhs)
    # free voters with no followees keep x0; they are free voters too
    total = a.sum() + x0[(d == 0) & ~zealot].sum()
    return float(total / (~zealot).sum())


def _free_mean_series(f, x0):
    zealot = np.abs(x0) == 1.0
    n = len(x0)
    C = float(x0[zealot].sum())
    F = int((~zealot).sum())
    m = f["metrics/mean_attitude"][:, 0, 0]
    free = (n * m - C) / F
    return free[2::2], int((x0 == 1.0).sum()), int((x0 == -1.0).sum())  # one value per round


def _load_linear(f, run):
    a = snapshots(f)
    x0 = a[0]
    series, zp, zm = _free_mean_series(f, x0)
    out = {"series": series, "zp": zp, "zm": zm, "n": len(x0)}
    if "graph/edge_follower" in f:
        out["target_harmonic"] = harmonic_mean_opinion(follow_matrix(f, len(x0)), x0)
    return out


def _batch_stats(series: np.ndarray, burn: int, batches: int = 5):
    """Batch means of the series and of its squared deviation from the run's own mean."""
    s = series[burn:]
    L = len(s) // batches
    s = s[: L * batches].reshape(batches, L)
    mu = s.mean()
    return s.mean(axis=1), ((s - mu) ** 2).mean(axis=1)


def check_linear_voter(sz) -> Result:
    rows: list[Row] = []
    n, rounds, reps = sz.voter_n, sz.voter_rounds, sz.voter_reps
    burn = rounds // 5
    fig = {"levels": [], "mean": [], "mean_target": [], "var": [], "var_se": [],
           "var_target": [], "series": None}
    runs = [Run("linear_voter_zealots.yaml", 100 * j + s,
                {"citizens.count": n, "run.steps": 2 * rounds,
                 "run.snapshot_steps": [0, 2 * rounds],
                 "countries[0].zealots_for": {"S": zf}, "countries[0].zealots_against": {"S": za}})
            for j, (zf, za) in enumerate(sz.voter_zealots) for s in range(1, reps + 1)]
    res = run_many(runs, _load_linear)
    for j, (zf, za) in enumerate(sz.voter_zealots):
        group = res[j * reps:(j + 1) * reps]
        dev_means, var_batches, var_targets, targets = [], [], [], []
        for r in group:
            target, var_t = complete_graph_moments(r["n"], r["zp"], r["zm"])
            bm, bv = _batch_stats(r["series"], burn)
            dev_means.extend((bm - target).tolist())
            var_batches.extend((bv / var_t).tolist())  # relative to the run's own theory
            var_targets.append(var_t)
            targets.append(target)
        dm, dse = mean_se(dev_means)
        target = float(np.mean(targets))
        rows.append(expect(
            "Voter with zealots (linear, complete)", f"zealots {zf:g}/{za:g}: free voters' mean "
            f"-> (Z+ - Z-)/(Z+ + Z-) (n={n}, {reps} runs x {rounds} rounds)", target,
            target + dm, K_SE * dse,
            f"{K_SE:g} SE from batch means (5 batches per run after {burn} rounds of burn-in, "
            f"each batch >= 7 relaxation times 1/(mu z) = {1 / (MU * (zf + za)):.0f} rounds); "
            f"target with each run's realised zealots", "linear_voter_zealots.yaml"))
        vr, vse = mean_se(var_batches)
        vt = float(np.mean(var_targets))
        rows.append(expect(
            "Voter with zealots (linear, complete)", f"zealots {zf:g}/{za:g}: stationary "
            f"variance of the free voters' mean / exact moment theory", 1.0, vr, K_SE * vse,
            f"theory {fmt(vt, 3)} (closed moment recursion); {K_SE:g} SE of the batch variances",
            "linear_voter_zealots.yaml"))
        fig["levels"].append((zf, za))
        fig["mean"].append(target + dm)
        fig["mean_target"].append(target)
        fig["var"].append(vr * vt)
        fig["var_se"].append(vse * vt)
        fig["var_target"].append(vt)
        if fig["series"] is None or (zf, za) == (0.1, 0.05):
            fig["series"] = group[0]["series"].tolist()
            fig["series_target"] = targets[0]

    # Erdos-Renyi graph: harmonic average of the zealots.
    er_n = 5 * n
    runs = [Run("linear_voter_zealots.yaml", 900 + s,
                {"citizens.count": er_n, "graph.generator": "erdos_renyi",
                 "graph.mean_following": 10, "run.save_edges": True,
                 "run.steps": 2 * rounds, "run.snapshot_steps": [0, 2 * rounds]})
            for s in range(1, reps + 1)]
    res = run_many(runs, _load_linear)
    dev, targets, mobilia = [], [], []
    for r in res:
        bm, _ = _batch_stats(r["series"], burn)
        dev.extend((bm - r["target_harmonic"]).tolist())
        targets.append(r["target_harmonic"])
        mobilia.append((r["zp"] - r["zm"]) / (r["zp"] + r["zm"]))
    dm, dse = mean_se(dev)
    target = float(np.mean(targets))
    rows.append(expect(
        "Voter with zealots (linear, ER k=10)", f"free voters' mean -> zealots' harmonic average "
        f"(n={er_n}, {reps} runs)", target, target + dm, K_SE * dse,
        f"{K_SE:g} SE (batch means); the harmonic average is solved from the saved edges; "
        f"(Z+ - Z-)/(Z+ + Z-) = {np.mean(mobilia):.4f} on average, the complete-graph value, "
        "differs by the graph's randomness", "linear_voter_zealots.yaml + erdos_renyi"))
    fig["er_target"], fig["er_mean"] = target, target + dm
    return Result("voter", rows, fig)


def binary_chain_moments(n: int, zp: int, zm: int) -> tuple[float, float]:
    """Exact stationary mean and variance of the free voters' magnetisation in the synchronous
    binary voter model on the complete graph of n with zp zealots at +1 and zm at -1: each round
    every free voter copies a uniformly random other voter. k (free voters at +1) moves as
    k' = Bin(k, (k-1+zp)/(n-1)) + Bin(F-k, (k+zp)/(n-1)); its stationary law solves pi P = pi."""
    F = n - zp - zm
    n1 = n - 1
    P = np.empty((F + 1, F + 1))
    for k in range(F + 1):
        up = binom.pmf(np.arange(k + 1), k, (k - 1 + zp) / n1) if k > 0 else np.ones(1)
        rest = binom.pmf(np.arange(F - k + 1), F - k, (k + zp) / n1)
        P[k] = np.convolve(up, rest)
    A = P.T - np.eye(F + 1)
    A[-1, :] = 1.0
    rhs = np.zeros(F + 1)
    rhs[-1] = 1.0
    pi = np.linalg.solve(A, rhs)
    m = (2.0 * np.arange(F + 1) - F) / F
    mean = float(pi @ m)
    return mean, float(pi @ (m - mean) ** 2)


def _load_binary(f, run):
    x0 = snapshots(f)[0]
    zealot = (f["graph/citizen_fixed"][:] & 1).astype(bool)
    n = len(x0)
    zp = int((zealot & (x0 == 1.0)).sum())
    zm = int((zealot & (x0 == -1.0)).sum())
    F = n - zp - zm
    m = f["metrics/mean_attitude"][:, 0, 0]
    free = (n * m - (zp - zm)) / F
    out = {"series": free[2::2], "zp": zp, "zm": zm, "n": n,
           "changed": float((snapshots(f)[-1] != x0)[~zealot].mean())}
    if "graph/edge_follower" in f:
        out["target_harmonic"] = harmonic_mean_opinion(follow_matrix(f, n), x0, zealot)
    return out


def check_binary_voter(sz) -> Result:
    """Binary voter model with zealots: mean and variance of the free voters' magnetisation on the
    complete graph against the exact chain, at several zealot levels; ER against the harmonic
    average."""
    rows: list[Row] = []
    n, rounds, reps = sz.voter_n, sz.voter_rounds, sz.voter_reps
    burn = rounds // 5
    fig = {"levels": [], "mean": [], "mean_target": [], "var": [], "var_se": [],
           "var_target": [], "series": None}
    runs = [Run("voter_zealots.yaml", 300 + 100 * j + s,
                {"citizens.count": n, "run.steps": 2 * rounds,
                 "run.snapshot_steps": [0, 2 * rounds],
                 "countries[0].zealots_for": {"S": zf}, "countries[0].zealots_against": {"S": za}})
            for j, (zf, za) in enumerate(sz.voter_zealots) for s in range(1, reps + 1)]
    res = run_many(runs, _load_binary)
    variances = []
    for j, (zf, za) in enumerate(sz.voter_zealots):
        group = res[j * reps:(j + 1) * reps]
        dev_means, var_ratio, var_targets, targets = [], [], [], []
        for r in group:
            target, var_t = binary_chain_moments(r["n"], r["zp"], r["zm"])
            s = r["series"][burn:]
            L = len(s) // 5
            s = s[: 5 * L].reshape(5, L)
            dev_means.extend((s.mean(axis=1) - target).tolist())
            # Deviations from the exact mean (not the run's own), so the batch variance is
            # unbiased.
            var_ratio.extend((((s - target) ** 2).mean(axis=1) / var_t).tolist())
            var_targets.append(var_t)
            targets.append(target)
        dm, dse = mean_se(dev_means)
        target = float(np.mean(targets))
        relax = 1.0 / (zf + za)
        rows.append(expect(
            "Voter with zealots (binary, complete)", f"zealots {zf:g}/{za:g}: free voters' "
            f"magnetisation -> (Z+ - Z-)/(Z+ + Z-) (n={n}, {reps} runs x {rounds} rounds)",
            target, target + dm, K_SE * dse,
            f"{K_SE:g} SE from batch means (5 batches per run after {burn} rounds of burn-in; "
            f"relaxation time ~ 1/z = {relax:.0f} rounds); target with each run's realised "
            "zealots", "voter_zealots.yaml"))
        vr, vse = mean_se(var_ratio)
        vt = float(np.mean(var_targets))
        variances.append((vr * vt, vse * vt))
        rows.append(expect(
            "Voter with zealots (binary, complete)", f"zealots {zf:g}/{za:g}: stationary "
            f"variance of the magnetisation / exact chain", 1.0, vr, K_SE * vse,
            f"exact variance {fmt(vt, 3)} from the stationary law of the {r['n'] - r['zp'] - r['zm'] + 1}-"
            f"state chain; {K_SE:g} SE of the batch variances", "voter_zealots.yaml"))
        fig["levels"].append((zf, za))
        fig["mean"].append(target + dm)
        fig["mean_target"].append(target)
        fig["var"].append(vr * vt)
        fig["var_se"].append(vse * vt)
        fig["var_target"].append(vt)
        if fig["series"] is None or (zf, za) == (0.1, 0.05):
            fig["series"] = group[0]["series"].tolist()
            fig["series_target"] = targets[0]
    for j in range(1, len(variances)):
        (v0, e0), (v1, e1) = variances[j - 1], variances[j]
        z0 = sum(sz.voter_zealots[j - 1])
        z1 = sum(sz.voter_zealots[j])
        rows.append(expect_range(
            "Voter with zealots (binary, complete)", f"variance shrinks as zealots grow: "
            f"var(z={z1:g}) - var(z={z0:g}) + {K_SE:g} SE < 0", -math.inf, 0.0,
            v1 - v0 + K_SE * math.hypot(e0, e1),
            "Mobilia, Petersen & Redner 2007; difference of the measured variances with "
            f"{K_SE:g} combined SE", "voter_zealots.yaml"))

    # Erdos-Renyi graph: harmonic average of the zealots.
    er_n = 5 * n
    runs = [Run("voter_zealots.yaml", 950 + s,
                {"citizens.count": er_n, "graph.generator": "erdos_renyi",
                 "graph.mean_following": 10, "run.save_edges": True,
                 "run.steps": 2 * rounds, "run.snapshot_steps": [0, 2 * rounds]})
            for s in range(1, reps + 1)]
    res = run_many(runs, _load_binary)
    dev, targets, changed = [], [], []
    for r in res:
        s = r["series"][burn:]
        L = len(s) // 5
        dev.extend((s[: 5 * L].reshape(5, L).mean(axis=1) - r["target_harmonic"]).tolist())
        targets.append(r["target_harmonic"])
        changed.append(r["changed"])
    dm, dse = mean_se(dev)
    target = float(np.mean(targets))
    rows.append(expect(
        "Voter with zealots (binary, ER k=10)", f"free voters' magnetisation -> zealots' "
        f"harmonic average (n={er_n}, {reps} runs)", target, target + dm, K_SE * dse,
        f"{K_SE:g} SE (batch means); the harmonic average is solved from the saved edges",
        "voter_zealots.yaml + erdos_renyi"))
    # Free voters keep switching: after many relaxation times a free voter holds +1 with
    # probability (1 + E[x_i]) / 2 independently of its start, so about half of them differ from
    # their initial opinion (not 0, as when the dynamics are frozen).
    rows.append(expect_range(
        "Voter with zealots (binary, ER k=10)", f"share of free voters whose opinion changed "
        f"after {rounds} rounds", 0.3, 0.7, float(np.mean(changed)),
        "independence from the start after >> 1/z rounds: P(changed) = (1 - x0 E[x]) / 2, "
        "between 0.3 and 0.7 for |E[x]| < 0.4", "voter_zealots.yaml + erdos_renyi"))
    fig["er_target"], fig["er_mean"] = target, target + dm
    return Result("voter_binary", rows, fig)
