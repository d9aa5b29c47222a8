"""One figure per validated model (simulated vs theory), written as PNG by run_validation.py into
docs/figures/validation/. Each function takes a Result's figure data and returns the
matplotlib Figure it saved."""
from __future__ import annotations

import math
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ENGINE = "#1f5fa8"
THEORY = "#c0392b"
REFERENCE = "#7f8c8d"


def _save(fig, out: pathlib.Path):
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return fig


def degroot(d: dict, out: pathlib.Path):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    mean = np.asarray(d["mean"])[::2]
    sd = np.asarray(d["sd"])[::2]
    r = np.arange(len(mean))
    a.plot(r, mean, "o-", ms=3, color=ENGINE, label="engine: mean attitude")
    a.axhline(d["target"], color=THEORY, label=r"theory: $\pi \cdot x_0$ (left Perron)")
    a.axhline(d["plain"], color=REFERENCE, ls="--", label=r"plain mean of $x_0$")
    a.set_xlabel("round (2 steps)")
    a.set_ylabel("attitude")
    a.set_title(f"DeGroot, n = {d['n']}: consensus value")
    a.legend(fontsize=8)
    b.semilogy(r, np.maximum(sd, 1e-12), "o-", ms=3, color=ENGINE, label="engine: sd of attitudes")
    ref = sd[1] * d["lam2"] ** np.maximum(r - 1, 0)
    b.semilogy(r, ref, color=THEORY, label=rf"$|\lambda_2|^r$, $|\lambda_2|$ = {d['lam2']:.3f}")
    b.axhline(d["err"], color=REFERENCE, ls=":", label=f"final max error {d['err']:.1e}")
    b.axhline(d["tol"], color=THEORY, ls="--", lw=0.8, label=f"float32 bound {d['tol']:.1e}")
    b.set_xlabel("round (2 steps)")
    b.set_title("disagreement decays like |lambda_2|^r")
    b.legend(fontsize=8)
    return _save(fig, out)


def friedkin_johnsen(d: dict, out: pathlib.Path):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    xs, xt, x0 = map(np.asarray, (d["xstar"], d["xT"], d["x0"]))
    a.plot(x0, xs, ".", ms=2, color=REFERENCE, label=r"$x_0$ vs $x^*$")
    a.plot(xt, xs, ".", ms=3, color=ENGINE, label=r"engine $a_i$ vs $x^*_i$")
    lim = [min(xs.min(), x0.min()), max(xs.max(), x0.max())]
    a.plot(lim, lim, color=THEORY, lw=1, label="identity")
    a.set_xlabel("attitude")
    a.set_ylabel(r"$x^* = (I-\Lambda W)^{-1}(I-\Lambda)x_0$")
    a.set_title("Friedkin-Johnsen fixed point, per citizen")
    a.legend(fontsize=8)
    err = np.abs(xt - xs)
    b.hist(np.log10(np.maximum(err, 1e-12)), bins=40, color=ENGINE)
    b.axvline(math.log10(d["tol"]), color=THEORY, ls="--", label=f"float32 bound {d['tol']:.1e}")
    b.axvline(math.log10(2.0 ** -24), color=REFERENCE, ls=":", label=r"$2^{-24}$")
    b.set_xlabel(r"$\log_{10} |a_i - x^*_i|$")
    b.set_ylabel("citizens")
    b.legend(fontsize=8)
    return _save(fig, out)


def hegselmann_krause(d: dict, out: pathlib.Path):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    for e, ce, cn in zip(d["eps"], d["engine_clusters"], d["numpy_clusters"]):
        a.plot([e] * len(cn), cn, "x", color=THEORY, ms=7, alpha=0.6)
        a.plot([e] * len(ce), ce, ".", color=ENGINE, ms=5)
    a.plot([], [], ".", color=ENGINE, label="engine")
    a.plot([], [], "x", color=THEORY, label="numpy HK, same x0")
    a.set_xlabel(r"$\varepsilon$ (on [0, 1]; engine openness $2\varepsilon$)")
    a.set_ylabel("major cluster positions")
    a.set_title("Hegselmann-Krause: final clusters")
    a.legend(fontsize=8)
    b.plot(d["scan_eps"], d["scan_frac"], "o-", color=ENGINE, label="engine")
    if "ref_eps" in d:
        b.plot(d["ref_eps"], d["ref_frac"], "s--", color=THEORY, ms=4,
               label="numpy HK (150 runs per eps)")
        b.axvline(d["ec"], color=ENGINE, lw=0.8, label=rf"engine $\varepsilon_c$ = {d['ec']:.3f}")
    b.axvline(0.2, color=REFERENCE, ls=":", label=r"large-n literature $\varepsilon_c \approx 0.2$")
    b.set_xlabel(r"$\varepsilon$")
    b.set_ylabel("share of runs reaching consensus")
    b.legend(fontsize=8)
    return _save(fig, out)


def deffuant(d: dict, out: pathlib.Path):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    e = np.asarray(d["eps"])
    grid = np.linspace(0.08, 0.36, 400)
    a.plot(grid, np.floor(1 / (2 * grid)), color=THEORY,
           label=r"$\lfloor 1/(2\varepsilon) \rfloor$")
    a.errorbar(e, d["mean"], yerr=d["se"], fmt="o", color=ENGINE, ms=4,
               label="engine (one-sided), mean ± SE")
    a.errorbar(e, d["classic"], yerr=d["classic_se"], fmt="s", color=REFERENCE, ms=3,
               mfc="none", label="classic two-sided (numpy)")
    a.set_xlabel(r"$\varepsilon$ (on [0, 1]; engine openness $2\varepsilon$)")
    a.set_ylabel("major clusters (>= 5%)")
    a.set_title(r"Deffuant, $\mu$ = 0.5: cluster count")
    a.legend(fontsize=8)
    b.plot(e, d["frac1"], "o-", color=ENGINE, label="engine (one-sided)")
    b.plot(e, d["classic_frac1"], "s--", color=REFERENCE, ms=3, label="classic (numpy)")
    b.axvline(0.27, color=THEORY, ls=":", label=r"$\varepsilon_c \approx 0.27$")
    if "ec" in d:
        b.axvline(d["ec"], color=ENGINE, lw=0.8, label=rf"engine fit {d['ec']:.3f}")
    b.set_xlabel(r"$\varepsilon$")
    b.set_ylabel("share of runs with one major cluster")
    b.legend(fontsize=8)
    return _save(fig, out)


def _voter_figure(d: dict, out: pathlib.Path, kind: str, theory: str):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    s = np.asarray(d["series"])
    a.plot(np.arange(len(s)), s, color=ENGINE, lw=0.6, label="engine: free voters' mean")
    a.axhline(d["series_target"], color=THEORY, label=r"$(Z_+ - Z_-)/(Z_+ + Z_-)$")
    a.set_xlabel("round (2 steps)")
    a.set_ylabel("mean opinion of free voters")
    a.set_title(f"{kind} voter with zealots (complete graph)")
    a.legend(fontsize=8)
    z = [zf + za for zf, za in d["levels"]]
    b.errorbar(z, d["var"], yerr=d["var_se"], fmt="o", color=ENGINE, label="engine (batch SE)")
    b.plot(z, d["var_target"], "s--", color=THEORY, mfc="none", label=theory)
    b.set_xlabel("zealot share z = z+ + z-")
    b.set_ylabel("stationary variance of the mean")
    b.set_title("fluctuations of the free voters' mean")
    b.legend(fontsize=8)
    return _save(fig, out)


def voter(d: dict, out: pathlib.Path):
    return _voter_figure(d, out, "Linear", "exact moment theory")


def voter_binary(d: dict, out: pathlib.Path):
    return _voter_figure(d, out, "Binary", "exact chain (stationary law)")


def sir(d: dict, out: pathlib.Path):
    from v_cascade import final_size
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    grid = np.linspace(0.3, 3.5, 300)
    S = [final_size(x) for x in grid]
    a.plot(grid, S, color=THEORY, label=r"$S = 1 - e^{-kTS}$ (= $q$)")
    a.errorbar(d["kt"], d["S"], yerr=d["S_se"], fmt="o", color=ENGINE,
               label="engine: final size of major outbreaks")
    a.errorbar(d["kt"], d["q"], yerr=d["q_se"], fmt="s", color=REFERENCE, mfc="none",
               label="engine: P(major outbreak)")
    a.axvline(1.0, color=REFERENCE, ls=":", lw=0.8)
    a.set_xlabel("kT")
    a.set_ylabel("share of citizens / probability")
    a.set_title("SIR / independent cascade on directed ER, k = 10")
    a.legend(fontsize=8)
    g = np.linspace(0.0, 0.9, 200)
    b.plot(g, 1 / (1 - g), color=THEORY, label="1/(1 - kT)")
    b.errorbar(d["sub_kt"], d["sub_mean"], yerr=d["sub_se"], fmt="o", color=ENGINE,
               label="engine: mean cascade size")
    b.set_xlabel("kT (below the threshold kT = 1)")
    b.set_ylabel("mean cascade size")
    b.legend(fontsize=8)
    return _save(fig, out)


def sir_complete(d: dict, out: pathlib.Path):
    fig, a = plt.subplots(figsize=(5.5, 3.8))
    a.hist(d["ignorant"], bins=15, color=ENGINE, label="engine: runs (major outbreaks)")
    a.axvline(d["target_inf"], color=THEORY, label="x = exp(-2(1 - x)) = 0.2032")
    a.axvline(d["target"], color=THEORY, ls="--", lw=0.8, label=f"n = {d['n']}: {d['target']:.4f}")
    a.axvline(float(np.mean(d["ignorant"])), color=ENGINE, ls=":", label="engine mean")
    a.set_xlabel("final never-infected share")
    a.set_title("SIR on the complete graph, R0 = 2")
    a.legend(fontsize=8)
    return _save(fig, out)


def crn(d: dict, out: pathlib.Path):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    r = np.asarray(d["ratio_t"], dtype=float)
    t = np.arange(len(r))
    ok = np.isfinite(r)
    a.semilogy(t[ok], r[ok], color=ENGINE, label="Var(unpaired) / Var(paired)")
    a.axvline(d["active_from"], color=REFERENCE, ls=":", label="bots wake (before: identical)")
    a.axvline(d["horizon"], color=THEORY, ls="--", label=f"tested: step {d['horizon']}")
    a.axhline(1, color=REFERENCE, lw=0.8)
    a.set_xlabel("step (hour)")
    a.set_title("common random numbers: variance reduction")
    a.legend(fontsize=8)
    on, same, other = map(np.asarray, (d["on"], d["off_same"], d["off_other"]))
    b.plot(same, on, "o", color=ENGINE, label="paired (same seed)")
    b.plot(other, on, "s", color=REFERENCE, mfc="none", label="unpaired (other seed)")
    b.set_xlabel("mean attitude, bots off")
    b.set_ylabel("mean attitude, bots on")
    b.set_title(f"step {d['horizon']}: ratio {d['ratio']:.1f}")
    b.legend(fontsize=8)
    return _save(fig, out)


def maki_thompson(d: dict, out: pathlib.Path):
    fig, a = plt.subplots(figsize=(6, 3.8))
    lam = np.asarray(d["lambdas"])
    a.errorbar(lam, d["means"], yerr=np.asarray(d["ses"]), fmt="o", color=ENGINE,
               label="engine (mean, SE over runs)")
    a.errorbar([0.0], [d["m0"]], yerr=[d["se0"]], fmt="D", color=ENGINE, mfc="none",
               label="engine, extrapolated to lambda -> 0")
    a.plot([0.0, lam.max()], [d["m0"], d["means"][-1]], ":", color=ENGINE, lw=0.8)
    a.axhline(d["target"], color=THEORY, label="Maki-Thompson: x = exp(-2(1 - x)) = 0.2032")
    a.set_xlabel("lambda: readers of a share per step")
    a.set_ylabel("final ignorant fraction")
    a.set_title(f"Maki-Thompson rumour (complete graph, n = {d['n']})")
    a.legend(fontsize=8)
    return _save(fig, out)


PLOTTERS = {
    "degroot": degroot,
    "friedkin_johnsen": friedkin_johnsen,
    "hegselmann_krause": hegselmann_krause,
    "deffuant": deffuant,
    "voter": voter,
    "voter_binary": voter_binary,
    "sir": sir,
    "sir_complete": sir_complete,
    "maki_thompson": maki_thompson,
    "crn": crn,
}
