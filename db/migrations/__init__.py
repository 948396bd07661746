"""Alembic migrations of the Aegis schema (a package, so import-linter sees its imports)."""
