"""The coordinator's induction audit: dashboards, charts, term dates, evidence packs."""
