// The admin's area (loaded on demand): system, doctors, accounts.
import { Route, Routes } from "react-router-dom";

import { Page } from "../../components/ui";

export default function AdminArea() {
  return (
    <Routes>
      <Route index element={<Page title="System">Coming next.</Page>} />
    </Routes>
  );
}
