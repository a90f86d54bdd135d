"""Notifications: raised by the use cases and the scheduled checks, read in the app's
notification centre, and emailed at once, in a daily digest, or not, as each person chooses."""
