"""Benchmarks (`make bench`): side-by-side timings, reported as ratios."""
