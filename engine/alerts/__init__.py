"""Push alerts: match new and changed programs to users, remind saved deadlines, fill and drain the outbox.

match.py writes Alert rows (with the progress mark), fill.py turns them into per-channel Delivery rows
(digests, batches, quiet hours), outbox.py claims and marks deliveries, render.py words them per channel.
"""
