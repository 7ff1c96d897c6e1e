"""A generator of test incidents: bundles in the native formats of real systems, with the answer beside them.

`build` writes the files (Loki, Prometheus, Kubernetes, CloudWatch bodies exactly as docs/incident-bundle.md
describes them) and renders log lines the way each runtime prints them; `scenarios` holds the incident
families, each drawn with seeded variation (names, namespaces, formats, which service the alert names, noise,
victims); `generate` is the CLI and the `generate(out, seed)` entry point tests use.
"""
