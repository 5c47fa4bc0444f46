"""Statistics, signals and exports for staff and funders (no tables of its own)."""
