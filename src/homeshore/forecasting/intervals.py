"""Prediction intervals: negative binomial around the mean forecast.

Counts in an interval are modelled as negative binomial with mean mu and variance
mu + alpha * mu^2 (alpha = 0 is Poisson). alpha is estimated per queue and horizon week by
the method of moments on the method's own errors, from rolling origins inside the history
(the last `origins` weeks): alpha = max(0, (sum (y - mu)^2 - sum mu) / sum mu^2) over open
intervals. Later horizon weeks never get a smaller alpha than earlier ones; weeks beyond the
history's reach reuse the last estimate; a history too short for any origin uses `fallback`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.forecasting.history import FloatArray, QueueHistory
from homeshore.forecasting.method import Context

ContextAt = Callable[[int, int], Context]  # (origin day, horizon days) -> context


def estimate_dispersion(
    history: QueueHistory,
    context_at: ContextAt,
    predict: Callable[[Context], FloatArray],
    horizon_weeks: int,
    *,
    origins: int = 6,
    min_train_days: int = 28,
    fallback: float = 0.05,
) -> FloatArray:
    """alpha per horizon week, shape (horizon_weeks,)."""
    num = np.zeros(horizon_weeks)
    den = np.zeros(horizon_weeks)
    seen = np.zeros(horizon_weeks, dtype=bool)
    n = history.n_days
    for k in range(1, origins + 1):
        origin = n - k * DAYS_PER_WEEK
        if origin < min_train_days:
            break
        span = min(horizon_weeks * DAYS_PER_WEEK, n - origin)
        mu = predict(context_at(origin, span))
        actual = history.volume[origin : origin + span]
        for week in range(-(-span // DAYS_PER_WEEK)):
            rows = slice(week * DAYS_PER_WEEK, (week + 1) * DAYS_PER_WEEK)
            y, m = actual[rows], mu[rows]
            ok = ~np.isnan(y) & (m > 0)
            if not ok.any():
                continue
            num[week] += float((((y - m) ** 2) - m)[ok].sum())
            den[week] += float((m**2)[ok].sum())
            seen[week] = True
    if not seen.any():
        return np.full(horizon_weeks, fallback)
    alpha = np.full(horizon_weeks, np.nan)
    alpha[seen] = np.maximum(num[seen] / np.maximum(den[seen], 1e-12), 0.0)
    last = 0.0
    for week in range(horizon_weeks):
        if np.isnan(alpha[week]):
            alpha[week] = last
        last = max(last, float(alpha[week]))
        alpha[week] = last
    return alpha


def quantiles(mu: FloatArray, alpha: FloatArray | float, q: float) -> FloatArray:
    """The q-quantile of NB(mu, alpha) elementwise (Poisson where alpha is ~0)."""
    mu = np.maximum(np.asarray(mu, dtype=float), 0.0)
    a = np.broadcast_to(np.asarray(alpha, dtype=float), mu.shape)
    poisson = a < 1e-9
    out = np.zeros_like(mu)
    if poisson.any():
        out[poisson] = stats.poisson.ppf(q, mu[poisson])
    nb = ~poisson & (mu > 0)
    if nb.any():
        size = 1.0 / a[nb]
        out[nb] = stats.nbinom.ppf(q, size, size / (size + mu[nb]))
    return np.nan_to_num(out, nan=0.0)


def cdf(y: FloatArray, mu: FloatArray, alpha: FloatArray | float) -> FloatArray:
    """P(N <= y) under NB(mu, alpha) elementwise (Poisson where alpha is ~0); 0 for y < 0."""
    mu = np.maximum(np.asarray(mu, dtype=float), 0.0)
    y = np.asarray(y, dtype=float)
    a = np.broadcast_to(np.asarray(alpha, dtype=float), mu.shape)
    poisson = a < 1e-9
    out = np.where(y >= 0, 1.0, 0.0)
    live = mu > 0
    p = poisson & live
    if p.any():
        out[p] = stats.poisson.cdf(y[p], mu[p])
    nb = ~poisson & live
    if nb.any():
        size = 1.0 / a[nb]
        out[nb] = stats.nbinom.cdf(y[nb], size, size / (size + mu[nb]))
    return np.asarray(out, dtype=np.float64)


def pit_below(y: FloatArray, mu: FloatArray, alpha: FloatArray | float, q: float) -> FloatArray:
    """Randomised PIT: the probability that U < q with U uniform on [F(y - 1), F(y)].

    Its mean over many intervals is the honest coverage of the q-quantile for counts (ideal
    q), where the share of y <= quantile overstates it at small volumes.
    """
    low = cdf(y - 1, mu, alpha)
    high = cdf(y, mu, alpha)
    width = np.maximum(high - low, 1e-12)
    return np.asarray(np.clip((q - low) / width, 0.0, 1.0), dtype=np.float64)
