// /admin/doctors/:doctorId: edit one doctor's profile and specializations.
import { useState } from "react";
import { Link, useParams } from "react-router-dom";

import { doctors, ok } from "../../api/client";
import { AdminError } from "../../components/Admin/AdminError";
import { loadSpecializations } from "../../components/Admin/doctorDraft";
import { EditDoctorForm } from "../../components/Admin/EditDoctorForm";
import { Loading, Page } from "../../components/ui";
import { useAsync } from "../../hooks/useAsync";

export default function EditDoctorPage() {
  const { doctorId = "" } = useParams();
  const loaded = useAsync(
    () =>
      Promise.all([
        ok(doctors.GET("/api/v1/doctors/{doctor_id}", { params: { path: { doctor_id: doctorId } } })),
        loadSpecializations(),
      ]),
    [doctorId],
  );
  const [doctor, catalog] = loaded.data ?? [];
  const [savedName, setSavedName] = useState<string>();
  const name = savedName ?? doctor?.full_name;
  return (
    <Page
      title={name ? `Edit ${name}` : "Edit a doctor"}
      actions={
        <Link to="/admin/doctors" className="font-semibold text-brand-800 underline">
          Back to the directory
        </Link>
      }
    >
      {doctor && catalog ? (
        <EditDoctorForm key={doctor.id} doctor={doctor} catalog={catalog} onSaved={(fresh) => setSavedName(fresh.full_name)} />
      ) : loaded.error !== undefined ? (
        <AdminError error={loaded.error} onRetry={() => void loaded.reload()} />
      ) : (
        <Loading />
      )}
    </Page>
  );
}
