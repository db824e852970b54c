"""Patient-MS's JSON shapes (they also make its OpenAPI document).

They check types only; the domain checks every rule, so one answer names every bad field at once.
"""

from marshmallow import Schema, fields, validate


class AddressSchema(Schema):
    line1 = fields.String(required=True, metadata={"maxLength": 120, "example": "Hauptstr. 5"})
    line2 = fields.String(load_default="", metadata={"maxLength": 120})
    city = fields.String(required=True, metadata={"maxLength": 80, "example": "Berlin"})
    postal_code = fields.String(required=True, metadata={"maxLength": 16, "example": "10115"})
    country = fields.String(required=True, metadata={"example": "DE", "description": "ISO 3166-1 alpha-2."})


class EmergencyContactSchema(Schema):
    name = fields.String(required=True, metadata={"maxLength": 120})
    phone = fields.String(required=True, metadata={"example": "+49 30 7654321"})
    relationship = fields.String(load_default="", metadata={"maxLength": 40})


class PatientProfileSchema(Schema):
    user_id = fields.UUID(dump_only=True)
    full_name = fields.String(required=True, metadata={"maxLength": 120})
    date_of_birth = fields.Date(
        required=True, metadata={"example": "1985-04-12", "description": "In the past."}
    )
    phone = fields.String(
        required=True,
        metadata={"example": "+49 30 1234567", "description": "With country code; stored as E.164."},
    )
    preferred_language = fields.String(load_default="en", metadata={"example": "de"})
    address = fields.Nested(AddressSchema, allow_none=True, load_default=None)
    emergency_contact = fields.Nested(EmergencyContactSchema, allow_none=True, load_default=None)


class PatientSearchQuerySchema(Schema):
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "Words of name, phone or city."}
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
