"""Coaching on coaching: reviewer assignments, the reviewer's queue, rubric notes and a
mentor's page of feedback on their coaching."""
