"""Settings for every part of Coachreel: one frozen dataclass read from the environment."""

from config.settings import ConfigError, Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings"]
