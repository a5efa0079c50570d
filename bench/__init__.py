"""Benchmarks, run by `make bench` or `edpool bench [NAME ...] [flags]` (see bench/README.md)."""
