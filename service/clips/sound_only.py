"""Sound-only clips: for classes a school records as sound only, a clip keeps its sound and its
transcript, and no video outlives processing (workers.sound_only makes the sound file and
records it ready through service.clips.lifecycle.mark_ready)."""

from __future__ import annotations

METHOD = "audio_only"  # the clip's processing_method once its sound is kept alone
