"""The weekly coaching cycle: action steps, the step library, rehearsals, meetings, model clips
and the home pages built from them."""
