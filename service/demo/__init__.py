"""The demo trust: its people and clips, a term of coaching history, and talk figures."""
