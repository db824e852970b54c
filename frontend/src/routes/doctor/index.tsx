// The doctor's area (loaded on demand): agenda, weekly schedule, time off, profile.
import { Route, Routes } from "react-router-dom";

import NotFound from "../NotFound";
import AgendaPage from "./AgendaPage";
import ProfilePage from "./ProfilePage";
import SchedulePage from "./SchedulePage";
import TimeOffPage from "./TimeOffPage";

export default function DoctorArea() {
  return (
    <Routes>
      <Route index element={<AgendaPage />} />
      <Route path="schedule" element={<SchedulePage />} />
      <Route path="time-off" element={<TimeOffPage />} />
      <Route path="profile" element={<ProfilePage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
