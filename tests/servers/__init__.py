"""Real servers the tests start on loopback: PostgreSQL, Prometheus, Alertmanager (Debian packages)."""
