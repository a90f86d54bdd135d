"""Talk analytics: each clip's talk figures and an ECT's trends across clips."""
