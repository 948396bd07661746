"""Aegis package."""
