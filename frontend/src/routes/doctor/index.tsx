// The doctor's area (loaded on demand): agenda, weekly schedule, time off.
import { Route, Routes } from "react-router-dom";

import { Page } from "../../components/ui";

export default function DoctorArea() {
  return (
    <Routes>
      <Route index element={<Page title="Agenda">Coming next.</Page>} />
    </Routes>
  );
}
