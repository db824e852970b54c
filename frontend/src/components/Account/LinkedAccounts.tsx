// Linked sign-ins on /account: which Google accounts can sign in to this one, removing them, and linking one
// (the password again first; the Google round trip comes back here with ?link=linked or ?link_error=<code>).
import { useEffect, useState, type FormEvent } from "react";
import { useLocation, useNavigate } from "react-router-dom";

import { auth, ok } from "../../api/client";
import type { components } from "../../api/generated/auth";
import { fieldMessages } from "../../api/problem";
import { useAsync } from "../../hooks/useAsync";
import { formatDayTime } from "../../lib/time";
import { Alert, Button, ErrorState, Loading, TextField } from "../ui";

type IdentityLink = components["schemas"]["IdentityLink"];

/** What Auth-MS's callback puts in ?link_error= after a link attempt, said plainly. */
const LINK_ERRORS: Record<string, string> = {
  link_session_changed: "You were signed out while at Google, so nothing was linked. Sign in and try again.",
  password_changed: "Your password was changed while you were at Google, so nothing was linked.",
  identity_taken: "That Google account already signs in to another hospital account, so it was not linked here.",
  account_disabled: "This account is disabled. Please contact the hospital.",
  provider_refused: "Google did not finish (it may have been cancelled). Nothing was linked.",
  state_invalid: "The link took too long or was started in another window. Nothing was linked; please try again.",
};

export function linkReturnMessage(search: string): { tone: "success" | "error"; text: string } | null {
  const params = new URLSearchParams(search);
  if (params.get("link") === "linked") {
    return { tone: "success", text: "Google is linked: you can now sign in with it too. We sent you a mail about it." };
  }
  const error = params.get("link_error");
  if (error) return { tone: "error", text: LINK_ERRORS[error] ?? "Linking Google did not work. Nothing was linked; please try again." };
  return null;
}

function LinkRow({ link, busy, onRemove }: { link: IdentityLink; busy: boolean; onRemove: (link: IdentityLink) => void }) {
  return (
    <li className="flex flex-col gap-3 rounded-xl border border-slate-300 bg-white p-4 sm:flex-row sm:items-center sm:justify-between" data-testid="identity-link">
      <div className="min-w-0">
        <p className="font-semibold text-slate-900">{link.provider}</p>
        <p className="text-sm text-slate-700">
          {link.email_at_link ? <span className="break-all">{link.email_at_link}</span> : "No email shared"}
          {link.linked_at ? ` · linked ${formatDayTime(link.linked_at)}` : ""}
        </p>
      </div>
      <Button variant="secondary" className="shrink-0" busy={busy} onClick={() => onRemove(link)}>
        Remove <span className="sr-only">the {link.provider} sign-in {link.email_at_link ?? ""}</span>
      </Button>
    </li>
  );
}

function LinkGoogle() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function start(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { authorization_url } = await ok(auth.POST("/api/v1/auth/oauth/google/link/start", { body: { password } }));
      if (authorization_url) window.location.assign(authorization_url);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Link a Google account
      </Button>
    );
  }
  const passwordError = error !== undefined ? fieldMessages(error).password : undefined;
  return (
    <form onSubmit={(event) => void start(event)} className="grid max-w-md gap-3 rounded-xl border border-slate-300 bg-white p-4" noValidate>
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={passwordError ? "That is not your password." : undefined}
        hint="To link Google, enter your password again. Then Google asks you to choose an account."
      />
      {error !== undefined && !passwordError && <ErrorState error={error} />}
      <div className="flex flex-wrap gap-3">
        <Button type="submit" busy={busy} disabled={!password}>
          Continue to Google
        </Button>
        <Button variant="secondary" disabled={busy} onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function LinkedAccounts() {
  const location = useLocation();
  const navigate = useNavigate();
  const [returned] = useState(() => linkReturnMessage(location.search));
  const links = useAsync(async () => (await ok(auth.GET("/api/v1/auth/links"))).items, []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    // Said once (kept in state): a reload of the page should not repeat it.
    if (returned) navigate(location.pathname, { replace: true });
  }, [returned, location.pathname, navigate]);

  async function remove(link: IdentityLink) {
    setBusy(link.id ?? "");
    setError(undefined);
    try {
      await ok(auth.DELETE("/api/v1/auth/links/{link_id}", { params: { path: { link_id: link.id ?? "" } } }));
      setMessage(`The ${link.provider} sign-in is removed: it no longer opens this account.`);
      await links.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="linked-heading">
      <h2 id="linked-heading" className="text-xl font-semibold text-slate-900">
        Linked sign-ins
      </h2>
      <p className="mb-3 mt-1 text-slate-700">Google accounts that can sign in to this account. A password reset removes them all.</p>
      {(returned || message) && (
        <div className="mb-3">
          <Alert tone={message ? "success" : returned?.tone}>
            <p>{message ?? returned?.text}</p>
          </Alert>
        </div>
      )}
      {error !== undefined && (
        <div className="mb-3">
          <ErrorState error={error} />
        </div>
      )}
      {links.error ? (
        <ErrorState error={links.error} onRetry={() => void links.reload()} />
      ) : !links.data ? (
        <Loading />
      ) : links.data.length === 0 ? (
        <p className="mb-3 text-slate-700">No Google account is linked.</p>
      ) : (
        <ul className="mb-3 grid gap-3">
          {links.data.map((link) => (
            <LinkRow key={link.id} link={link} busy={busy === link.id} onRemove={(l) => void remove(l)} />
          ))}
        </ul>
      )}
      <LinkGoogle />
    </section>
  );
}
