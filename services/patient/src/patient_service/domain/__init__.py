"""Patient-MS domain: plain Python, no framework."""
