import { Link } from "react-router-dom";

import { Page } from "../components/ui";

export default function NotFound() {
  return (
    <Page title="Page not found" intro="The address may be mistyped, or the page has moved.">
      <Link to="/" className="font-semibold text-brand-800 underline">
        Go to the home page
      </Link>
    </Page>
  );
}
