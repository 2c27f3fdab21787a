"""Versions of a policy: the release store, releasing, comparing versions, periods in force, pins."""
