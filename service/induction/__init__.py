"""The induction audit: terms and cadence, the dashboard and trust roll-up, charts, evidence
packs, observations and exports."""
