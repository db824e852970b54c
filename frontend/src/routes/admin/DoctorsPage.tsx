// /admin/doctors: the directory, with "Add a doctor".
import { Link } from "react-router-dom";

import { AdminError } from "../../components/Admin/AdminError";
import { DoctorDirectory } from "../../components/Admin/DoctorDirectory";
import { loadSpecializations } from "../../components/Admin/doctorDraft";
import { Loading, Page } from "../../components/ui";
import { useAsync } from "../../hooks/useAsync";

export default function DoctorsPage() {
  const catalog = useAsync(loadSpecializations, []);
  return (
    <Page
      title="Doctors"
      intro="Find a doctor to edit their profile and specializations, or add a new one."
      actions={
        <Link to="/admin/doctors/new" className="inline-flex min-h-[44px] items-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
          Add a doctor
        </Link>
      }
    >
      {catalog.data ? (
        <DoctorDirectory catalog={catalog.data} />
      ) : catalog.error !== undefined ? (
        <AdminError error={catalog.error} onRetry={() => void catalog.reload()} />
      ) : (
        <Loading />
      )}
    </Page>
  );
}
