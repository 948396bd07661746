"""Read models for the operators' dashboard: display rows and aggregates, computed here so pages only render.

One module per page family (overview, programs, sources, gateway, users); labels shared by them in labels.py.
"""
