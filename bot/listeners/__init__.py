"""Bolt listeners, grouped by Slack surface; bot/app.py wires them."""
