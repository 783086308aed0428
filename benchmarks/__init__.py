"""Benchmarks: page weight, render time, API throughput against named peers."""
