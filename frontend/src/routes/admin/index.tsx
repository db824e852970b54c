// The admin's area (loaded on demand): system, doctors, accounts.
import { Link, Route, Routes } from "react-router-dom";

import { Page } from "../../components/ui";
import AccountsPage from "./AccountsPage";
import DoctorsPage from "./DoctorsPage";
import EditDoctorPage from "./EditDoctorPage";
import NewDoctorPage from "./NewDoctorPage";
import SystemPage from "./SystemPage";

function NoSuchAdminPage() {
  return (
    <Page title="Page not found" intro="There is no such page in the admin area.">
      <Link to="/admin" className="font-semibold text-brand-800 underline">
        Go to the system page
      </Link>
    </Page>
  );
}

export default function AdminArea() {
  return (
    <Routes>
      <Route index element={<SystemPage />} />
      <Route path="doctors" element={<DoctorsPage />} />
      <Route path="doctors/new" element={<NewDoctorPage />} />
      <Route path="doctors/:doctorId" element={<EditDoctorPage />} />
      <Route path="accounts" element={<AccountsPage />} />
      <Route path="*" element={<NoSuchAdminPage />} />
    </Routes>
  );
}
