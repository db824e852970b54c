"""Redis adapters of Appointment-MS: the slot-answer cache, the doctor-events stream, the replica registry."""
