"""Jobs: the durable store (SQLite or PostgreSQL) and the worker processes that run the pipeline."""
