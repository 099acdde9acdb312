"""Benchmarks: throughput of VEI against floors measured in the same run (``make bench``)."""
