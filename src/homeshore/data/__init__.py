"""Importers and exporters: scenario files, call logs, interval tables, schedules."""
