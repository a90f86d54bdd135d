"""Feedback on clips: comments at a moment or over a range, replies, and what the ECT has seen."""
