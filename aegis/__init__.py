"""The `aegis` command line: the composition root that starts every front end."""
