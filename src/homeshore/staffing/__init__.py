"""Staffing: Erlang B, C and A, and the agents each interval needs to meet its targets."""
