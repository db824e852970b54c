"""Redis adapters of Appointment-MS: the slot-answer cache and the doctor-events stream."""
