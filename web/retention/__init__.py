"""Retention for coordinators: what will be deleted soon, extensions, induction end dates."""
