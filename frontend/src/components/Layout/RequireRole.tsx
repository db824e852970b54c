import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import type { Role } from "../../api/types";
import { useSession } from "../../hooks/useSession";
import { Alert, Loading, Page } from "../ui";

/** Only these roles see `children`; others are sent to sign in, or told plainly that the page is not theirs. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { me, role, checking } = useSession();
  const location = useLocation();
  if (checking) return <Loading />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!role || !roles.includes(role)) {
    return (
      <Page title="Not available">
        <Alert tone="error" title="This page is not for your account">
          <p>You are signed in as a {role}. This page is for {roles.join(" or ")} accounts only.</p>
        </Alert>
      </Page>
    );
  }
  return <>{children}</>;
}
