import { Page } from "../../components/ui";
import { TimeOffManager } from "../../components/TimeOff/TimeOffManager";

export default function TimeOffPage() {
  return (
    <Page title="Time off" intro="Days or hours you are away, and days with other hours than usual. Patients cannot book you while you are away.">
      <TimeOffManager />
    </Page>
  );
}
