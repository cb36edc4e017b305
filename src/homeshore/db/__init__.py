"""Persistence of the live platform: SQLAlchemy tables, engine, migrations, repositories."""
