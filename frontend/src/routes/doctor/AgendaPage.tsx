import { Link } from "react-router-dom";

import { Agenda } from "../../components/Agenda/Agenda";
import { Page } from "../../components/ui";

export default function AgendaPage() {
  return (
    <Page
      title="Agenda"
      intro="Your appointments today and over the next 7 days."
      actions={
        <div className="flex flex-wrap gap-3 text-sm font-semibold">
          <Link to="/doctor/schedule" className="text-brand-800 underline">
            Edit weekly schedule
          </Link>
          <Link to="/doctor/profile" className="text-brand-800 underline">
            Your profile
          </Link>
        </div>
      }
    >
      <Agenda />
    </Page>
  );
}
