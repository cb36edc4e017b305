"""Home workstation readiness: the E-model and a pass/warn/fail verdict."""
