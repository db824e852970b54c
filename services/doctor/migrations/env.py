from doctor_service.adapters.postgres.models import Base
from hospital_shared.migrations import run_env

run_env(Base.metadata)
