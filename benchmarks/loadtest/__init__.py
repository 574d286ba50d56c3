"""The load test of `benchmarks/load_test.py`, by concern: the scenario, the simulated users and
their browsers, signing in, the server under test, the CPU it used and the printed figures."""
