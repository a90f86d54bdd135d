"""Coaching on coaching: the reviewer's queue and notes, the mentor's feedback, assignments."""
