"""Resumable uploads: the tus 1.0 protocol for large phone clips on poor Wi-Fi."""
