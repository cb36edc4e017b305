from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from homeshore.forecasting.reconcile import reconcile

shapes = st.tuples(st.integers(1, 6), st.integers(1, 12))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), shape=shapes)
def test_open_intervals_add_up_to_the_day_and_closed_are_zero(
    data: st.DataObject, shape: tuple[int, int]
) -> None:
    values = data.draw(arrays(np.float64, shape, elements=st.floats(0, 1e4)))
    daily = data.draw(arrays(np.float64, shape[0], elements=st.floats(0, 1e5)))
    mask = data.draw(arrays(np.bool_, shape))
    out = reconcile(values, daily, mask)
    assert (out[~mask] == 0).all() and (out >= 0).all()
    has_open = mask.any(axis=1)
    np.testing.assert_allclose(out.sum(axis=1)[has_open], daily[has_open], rtol=1e-9, atol=1e-6)
    assert (out.sum(axis=1)[~has_open] == 0).all()


def test_shape_is_kept_and_closed_mass_moves_to_open_intervals() -> None:
    values = np.array([[1.0, 2.0, 1.0, 4.0]])
    out = reconcile(values, np.array([16.0]), np.array([[True, True, True, False]]))
    np.testing.assert_allclose(out, [[4.0, 8.0, 4.0, 0.0]])


def test_day_with_no_shape_in_open_hours_is_spread_evenly() -> None:
    out = reconcile(np.zeros((1, 4)), np.array([6.0]), np.array([[False, True, True, True]]))
    np.testing.assert_allclose(out, [[0.0, 2.0, 2.0, 2.0]])
