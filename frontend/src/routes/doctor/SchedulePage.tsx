import { ScheduleEditor } from "../../components/Schedule/ScheduleEditor";
import { Page } from "../../components/ui";

export default function SchedulePage() {
  return (
    <Page
      title="Weekly schedule"
      intro="Your working hours for every week, and how patients may book them. Saved as one change: patients see it at once."
    >
      <ScheduleEditor />
    </Page>
  );
}
