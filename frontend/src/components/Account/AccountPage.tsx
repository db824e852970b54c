// /account: who is signed in, and every device signed in to the account: end one, or all of them at once.
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { auth, ok } from "../../api/client";
import type { AuthSession } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { useSession } from "../../hooks/useSession";
import { formatDayTime } from "../../lib/time";
import { Alert, Button, ErrorState, Loading, Page } from "../ui";
import { ChangePassword } from "./ChangePassword";
import { LinkedAccounts } from "./LinkedAccounts";
import { MfaReminderBanner, TwoFactor } from "./TwoFactor";
import { describeUserAgent } from "./userAgent";

function SessionRow({ session, onEnd, busy }: { session: AuthSession; onEnd: (session: AuthSession) => void; busy: boolean }) {
  const device = describeUserAgent(session.user_agent);
  return (
    <li className="flex flex-col gap-3 rounded-xl border border-slate-300 bg-white p-4 sm:flex-row sm:items-center sm:justify-between" data-testid="session">
      <div className="min-w-0">
        <p className="font-semibold text-slate-900">
          {device}
          {session.current && <span className="ml-2 rounded-full bg-brand-100 px-2 py-0.5 text-sm font-semibold text-brand-900">This device</span>}
        </p>
        <p className="text-sm text-slate-700">
          {session.ip_address ? `IP address ${session.ip_address}` : "IP address unknown"}
          {session.last_seen_at ? ` · last active ${formatDayTime(session.last_seen_at)}` : ""}
          {session.created_at ? ` · signed in ${formatDayTime(session.created_at)}` : ""}
        </p>
        {session.user_agent && <p className="mt-1 break-all text-xs text-slate-600">{session.user_agent}</p>}
      </div>
      <Button variant="secondary" className="shrink-0" busy={busy} onClick={() => onEnd(session)}>
        Sign out<span className="sr-only"> {session.current ? "of this device" : `of ${device}`}</span>
      </Button>
    </li>
  );
}

export function AccountPage() {
  const { me, role, signOut } = useSession();
  const navigate = useNavigate();
  const sessions = useAsync(async () => {
    const { items } = await ok(auth.GET("/api/v1/auth/sessions"));
    // This device first, then the most recently active.
    return items.sort((a, b) => Number(b.current) - Number(a.current) || (b.last_seen_at ?? "").localeCompare(a.last_seen_at ?? ""));
  }, []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);

  async function end(session: AuthSession) {
    setBusy(session.id ?? "");
    setError(undefined);
    try {
      if (session.current) {
        await signOut();
        navigate("/login");
        return;
      }
      await ok(auth.DELETE("/api/v1/auth/sessions/{session_id}", { params: { path: { session_id: session.id ?? "" } } }));
      setMessage(`${describeUserAgent(session.user_agent)} is signed out.`);
      await sessions.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  async function endAll() {
    setBusy("all");
    setError(undefined);
    try {
      await ok(auth.POST("/api/v1/auth/logout-all"));
      await signOut().catch(() => undefined); // this browser's session is gone already; forget it here too
      navigate("/login");
    } catch (failure) {
      setError(failure);
      setBusy(null);
    }
  }

  return (
    <Page title="Account">
      <div className="grid max-w-3xl gap-8">
        <MfaReminderBanner />
        <section aria-labelledby="you-heading" className="rounded-xl border border-slate-300 bg-white p-5">
          <h2 id="you-heading" className="text-xl font-semibold text-slate-900">
            You
          </h2>
          <dl className="mt-3 grid gap-x-6 sm:grid-cols-[max-content_1fr] sm:gap-y-2">
            <dt className="font-medium text-slate-700">Name</dt>
            <dd className="mb-2 text-slate-900 sm:mb-0">{me?.full_name}</dd>
            <dt className="font-medium text-slate-700">Email</dt>
            <dd className="mb-2 text-slate-900 sm:mb-0">
              <span className="break-all">{me?.email}</span>{" "}
              <span className="text-sm text-slate-700">({me?.email_verified ? "confirmed" : "not confirmed yet: see the mail we sent you"})</span>
            </dd>
            <dt className="font-medium text-slate-700">Account type</dt>
            <dd className="mb-2 capitalize text-slate-900 sm:mb-0">{role}</dd>
          </dl>
          {role === "patient" && (
            <p className="mt-3 flex flex-wrap gap-4 text-sm">
              <Link to="/profile" className="font-semibold text-brand-800 underline">
                Edit my details
              </Link>
            </p>
          )}
        </section>
        <ChangePassword onChanged={() => void sessions.reload()} />
        <TwoFactor />
        <LinkedAccounts />
        <section aria-labelledby="sessions-heading">
          <h2 id="sessions-heading" className="text-xl font-semibold text-slate-900">
            Where you are signed in
          </h2>
          <p className="mb-3 mt-1 text-slate-700">If you do not recognise a device, sign it out and change your password.</p>
          {message && (
            <div className="mb-3">
              <Alert tone="success">
                <p>{message}</p>
              </Alert>
            </div>
          )}
          {error !== undefined && (
            <div className="mb-3">
              <ErrorState error={error} />
            </div>
          )}
          {sessions.error ? (
            <ErrorState error={sessions.error} onRetry={() => void sessions.reload()} />
          ) : !sessions.data ? (
            <Loading />
          ) : (
            <ul className="grid gap-3">
              {sessions.data.map((session) => (
                <SessionRow key={session.id} session={session} busy={busy === session.id} onEnd={(s) => void end(s)} />
              ))}
            </ul>
          )}
          <div className="mt-5 rounded-xl border border-red-300 bg-white p-4">
            {confirmAll ? (
              <>
                <p className="font-semibold text-slate-900">Sign out on every device, this one too?</p>
                <div className="mt-3 flex flex-wrap gap-3">
                  <Button variant="danger" busy={busy === "all"} onClick={() => void endAll()}>
                    Yes, sign out everywhere
                  </Button>
                  <Button variant="secondary" disabled={busy === "all"} onClick={() => setConfirmAll(false)}>
                    No, stay signed in
                  </Button>
                </div>
              </>
            ) : (
              <Button variant="danger" onClick={() => setConfirmAll(true)}>
                Sign out everywhere
              </Button>
            )}
          </div>
        </section>
      </div>
    </Page>
  );
}
