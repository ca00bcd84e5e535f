"""The parts of bench/soak.py: the processes (cluster), the HTTP client, the simulated
people and AI systems (actors), their world (world), the callback receiver and the end
checks."""
