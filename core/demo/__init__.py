"""Realistic, deterministic demo data at scale (``ardesk demo-data``)."""
