"""The demo trust: its people and clips, and a term of coaching history."""
