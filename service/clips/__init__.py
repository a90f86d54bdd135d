"""Clips: who may watch them, uploading (plain and resumable), the processing, transcript and
face-blur state machines, sound-only clips and counts by state."""
