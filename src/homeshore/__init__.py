"""homeshore: plan and run a homeshored customer service."""

__version__ = "0.1.0"
