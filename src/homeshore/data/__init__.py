"""Importers and exporters: scenario files, call logs, interval tables, schedules."""

from typing import Final

#: time zone of the ACD logs' clock when none is given (the bundled bank's logs); here, not
#: in acd.py, so that the command line shows it without importing the data stack
ACD_DEFAULT_TIMEZONE: Final = "Asia/Jerusalem"
