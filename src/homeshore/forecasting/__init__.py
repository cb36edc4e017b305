"""Volume and handle-time forecasts per queue and interval, and their backtests.

Public API: `forecast()` (api.py), `backtest()` (backtest.py) on the `setups()` of a history,
`ForecastSettings`, `Event`, and the methods (pipeline.METHODS). docs/forecasting.md explains
the methods, the bad-input handling and the measured accuracy.
"""

from homeshore.forecasting.api import ForecastResult, forecast, setups
from homeshore.forecasting.backtest import BacktestResult, backtest
from homeshore.forecasting.calendar import Event
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.direct import Direct
from homeshore.forecasting.pipeline import METHODS
from homeshore.forecasting.seasonal_naive import SeasonalNaive
from homeshore.forecasting.settings import ForecastSettings

__all__ = [
    "METHODS",
    "BacktestResult",
    "DailyProfile",
    "Direct",
    "Event",
    "ForecastResult",
    "ForecastSettings",
    "SeasonalNaive",
    "backtest",
    "forecast",
    "setups",
]
