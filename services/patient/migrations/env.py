from hospital_shared.migrations import run_env
from patient_service.adapters.postgres.models import Base

run_env(Base.metadata)
