"""Use cases of the live platform. They own transactions and publish events."""
