"""Benchmarks: `python -m benchmarks.<name>`; each prints ratios against a baseline from the same run."""
