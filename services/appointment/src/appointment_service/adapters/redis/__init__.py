"""Redis adapters of Appointment-MS (the slot cache arrives with the slot finder)."""
