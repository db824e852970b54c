import { ProfileEditor } from "../../components/DoctorProfile/ProfileEditor";
import { Page } from "../../components/ui";

export default function ProfilePage() {
  return (
    <Page title="Your profile" intro="What patients see about you when they choose a doctor.">
      <ProfileEditor />
    </Page>
  );
}
