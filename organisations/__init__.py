"""Organisations of the territory, their people (memberships) and the public directory of sites."""
