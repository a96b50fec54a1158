"""Tools of the project's own checks (not shipped)."""
