"""Random durations (handle time, patience) as small objects with one method: ``sample``.

Every distribution knows its mean, so a shape can be rescaled to an interval's mean handle
time (``sample_with_means``). Randomness comes only from the Generator passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class Distribution(Protocol):
    @property
    def mean_s(self) -> float: ...

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray: ...


@dataclass(frozen=True, slots=True)
class Exponential:
    mean_s: float

    def __post_init__(self) -> None:
        if not self.mean_s > 0:
            raise ValueError(f"exponential: mean must be > 0, got {self.mean_s}")

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        if math.isinf(self.mean_s):
            return np.full(size, math.inf)
        return rng.exponential(self.mean_s, size)


@dataclass(frozen=True, slots=True)
class LogNormal:
    """Log-normal with the given mean and coefficient of variation (std / mean)."""

    mean_s: float
    cv: float = 1.0

    def __post_init__(self) -> None:
        if not self.mean_s > 0 or not self.cv > 0:
            raise ValueError(f"lognormal: mean and cv must be > 0, got {self.mean_s}, {self.cv}")

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        sigma2 = math.log1p(self.cv * self.cv)
        mu = math.log(self.mean_s) - sigma2 / 2.0
        return rng.lognormal(mu, math.sqrt(sigma2), size)


@dataclass(frozen=True, slots=True)
class Empirical:
    """Resampling of observed durations (e.g. handle times from imported call logs)."""

    values_s: tuple[float, ...]
    _array: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        arr = np.asarray(self.values_s, dtype=np.float64)
        if arr.size == 0:
            raise ValueError("empirical: at least one observed value is needed")
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError("empirical: values must be finite and >= 0")
        if not arr.mean() > 0:
            raise ValueError("empirical: the mean of the values must be > 0")
        object.__setattr__(self, "_array", arr)

    @property
    def mean_s(self) -> float:
        return float(self._array.mean())

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return self._array[rng.integers(0, self._array.size, size)]


def sample_with_means(
    dist: Distribution, rng: np.random.Generator, means_s: FloatArray
) -> FloatArray:
    """One draw per entry of means_s, from dist's shape rescaled to that mean."""
    draws = dist.sample(rng, means_s.size)
    if math.isinf(dist.mean_s):
        return draws
    return draws * (means_s / dist.mean_s)
