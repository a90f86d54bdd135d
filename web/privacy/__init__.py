"""A school's privacy settings, its classes, and the consent register of its clips."""
