"""Appointment-MS's JSON shapes (they also make its OpenAPI document)."""

from marshmallow import Schema, fields


class AppointmentSchema(Schema):
    id = fields.UUID(dump_only=True)
    patient_id = fields.UUID(dump_only=True)
    doctor_id = fields.UUID(dump_only=True)
    start = fields.AwareDateTime(dump_only=True)
    end = fields.AwareDateTime(dump_only=True)
    duration_minutes = fields.Integer(dump_only=True)
    status = fields.Function(lambda appointment: appointment.status.value, dump_only=True)
    reason = fields.String(dump_only=True)
