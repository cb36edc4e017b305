"""Special functions in log space, stable where scipy's regularised values underflow.

Erlang formulas are ratios of tiny (or huge) quantities once there are thousands of agents;
working with logarithms keeps them finite up to 20,000 agents and 15,000 Erlangs and beyond.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]

#: Below this P(X <= n) is recomputed from Kummer's U function.
_UNDERFLOW = 1e-280


def log_kummer_m(b: FloatArray, z: FloatArray) -> FloatArray:
    """log M(1, b, z) for b > 1, z >= 0 (Kummer's confluent hypergeometric function).

    M(1, b, z) = sum_k z^k / (b (b + 1) ... (b + k - 1)). Below z < b it lies between 1 and
    b / (b - z) and scipy's hyp1f1 is accurate; above, it grows like e^z and is taken from
    M(1, b, z) = Gamma(b) e^z z^(1 - b) P(b - 1, z), P the regularised lower incomplete gamma
    (near 1 there, so its logarithm is accurate).
    """
    b, z = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(z, dtype=float))
    out = np.empty(b.shape)
    low = z < b
    out[low] = np.log(special.hyp1f1(1.0, b[low], z[low]))
    high = ~low
    bh, zh = b[high], z[high]
    out[high] = (
        special.gammaln(bh) + zh + (1.0 - bh) * np.log(zh) + np.log(special.gammainc(bh - 1.0, zh))
    )
    return out


def log_erlang_b(servers: FloatArray, load_erl: FloatArray) -> FloatArray:
    """log of the Erlang B blocking probability B(n, A) = P(X = n) / P(X <= n), X ~ Poisson(A).

    Where P(X <= n) underflows (n far below A) uses 1 / B = A * U(1, n + 2, A) (Kummer U).
    """
    n, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(load_erl, dtype=float))
    out = np.full(n.shape, -np.inf)
    busy = a > 0
    out[busy & (n == 0)] = 0.0
    live = busy & (n > 0)
    nl, al = n[live], a[live]
    q = special.gammaincc(nl + 1.0, al)
    res = np.empty(nl.shape)
    direct = q > _UNDERFLOW
    res[direct] = (
        special.xlogy(nl[direct], al[direct])
        - al[direct]
        - special.gammaln(nl[direct] + 1.0)
        - np.log(q[direct])
    )
    far = ~direct
    res[far] = -np.log(al[far] * special.hyperu(1.0, nl[far] + 2.0, al[far]))
    out[live] = res
    return out


def safe_exp(log_value: FloatArray) -> FloatArray:
    """exp without overflow warnings: values above e^700 become inf."""
    clipped = np.minimum(log_value, 700.0)
    result: FloatArray = np.where(log_value > 700.0, np.inf, np.exp(clipped))
    return result


#: Gauss-Legendre nodes and weights on [-1, 1] for the waiting-time integrals.
GL_NODES, GL_WEIGHTS = np.polynomial.legendre.leggauss(64)
