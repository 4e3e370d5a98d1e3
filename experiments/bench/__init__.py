"""Helpers of experiments/benchmark.py."""
