// /admin/doctors/new: the account (with its mailed invitation) and the profile, in one form.
import { Link } from "react-router-dom";

import { AdminError } from "../../components/Admin/AdminError";
import { loadSpecializations } from "../../components/Admin/doctorDraft";
import { NewDoctorForm } from "../../components/Admin/NewDoctorForm";
import { Loading, Page } from "../../components/ui";
import { useAsync } from "../../hooks/useAsync";

export default function NewDoctorPage() {
  const catalog = useAsync(loadSpecializations, []);
  return (
    <Page
      title="Add a doctor"
      intro="This creates the doctor's account, mails them an invitation to set a password, and adds their profile to the directory."
      actions={
        <Link to="/admin/doctors" className="font-semibold text-brand-800 underline">
          Back to the directory
        </Link>
      }
    >
      {catalog.data ? (
        <NewDoctorForm catalog={catalog.data} />
      ) : catalog.error !== undefined ? (
        <AdminError error={catalog.error} onRetry={() => void catalog.reload()} />
      ) : (
        <Loading />
      )}
    </Page>
  );
}
