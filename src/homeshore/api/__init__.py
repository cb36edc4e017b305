"""HTTP and websocket API of the live platform (FastAPI)."""

from homeshore.api.app import create_app

__all__ = ["create_app"]
