"""Helpers for the app tests: a tiny corpus written here, and a headless Chromium."""
