// A failed admin request in plain words; a 403 means the account is not (or no longer) an administrator.
import { Alert, ErrorState } from "../ui";
import { isForbidden } from "./adminApi";

export function AdminError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (isForbidden(error)) {
    return (
      <Alert tone="error" title="This page is for administrators">
        <p>Your account does not have administrator access. Sign in with an admin account to see it.</p>
      </Alert>
    );
  }
  return <ErrorState error={error} onRetry={onRetry} />;
}
