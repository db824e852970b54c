"""Doctor-MS's domain: plain Python, no framework (schedule.py may move into hospital_shared unchanged)."""
