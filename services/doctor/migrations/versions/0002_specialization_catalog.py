"""Data: the specialization catalog (real specialties, each with its usual consultation length).

Durations are multiples of 15 minutes so they fit the default slot step. Existing rows are left as they are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import insert

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATALOG = [
    ("allergy-immunology", "Allergy and Immunology", 30, "Allergies, asthma and immune system disorders."),
    ("cardiology", "Cardiology", 30, "Heart and blood vessels: chest pain, hypertension, arrhythmia."),
    ("dermatology", "Dermatology", 15, "Skin, hair and nails."),
    ("endocrinology", "Endocrinology", 30, "Hormones and metabolism: diabetes, thyroid."),
    ("gastroenterology", "Gastroenterology", 30, "Digestive system, liver and pancreas."),
    ("general-practice", "General Practice", 15, "First point of contact for any health concern."),
    ("nephrology", "Nephrology", 30, "Kidney function and disease."),
    ("neurology", "Neurology", 45, "Brain, spinal cord and nerves: headache, epilepsy, stroke follow-up."),
    ("obstetrics-gynecology", "Obstetrics and Gynecology", 30, "Women's health, pregnancy and childbirth."),
    ("oncology", "Oncology", 45, "Diagnosis and treatment of cancer."),
    ("ophthalmology", "Ophthalmology", 30, "Eyes and vision."),
    ("orthopedics", "Orthopedics", 30, "Bones, joints, ligaments and muscles."),
    ("otolaryngology", "Otolaryngology (ENT)", 15, "Ear, nose and throat."),
    ("pediatrics", "Pediatrics", 15, "Medical care of infants, children and adolescents."),
    ("psychiatry", "Psychiatry", 60, "Mental health: mood, anxiety, psychosis."),
    ("pulmonology", "Pulmonology", 30, "Lungs and breathing."),
    ("rheumatology", "Rheumatology", 30, "Arthritis and autoimmune conditions of joints and tissue."),
    ("urology", "Urology", 15, "Urinary tract and male reproductive organs."),
]

specializations = sa.table(
    "specializations",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("default_duration_minutes", sa.SmallInteger),
    sa.column("description", sa.Text),
)


def upgrade() -> None:
    rows = [
        {"slug": slug, "name": name, "default_duration_minutes": minutes, "description": description}
        for slug, name, minutes, description in CATALOG
    ]
    op.execute(insert(specializations).values(rows).on_conflict_do_nothing(index_elements=["slug"]))


def downgrade() -> None:
    slugs = [slug for slug, *_ in CATALOG]
    op.execute(
        sa.delete(specializations).where(
            specializations.c.slug.in_(slugs),
            ~sa.exists().where(sa.text("doctor_specializations.specialization_slug = specializations.slug")),
        )
    )
