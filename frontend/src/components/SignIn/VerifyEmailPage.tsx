// /verify-email#token=: confirms the address from the registration mail as soon as the page opens.
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";

import { auth, ok } from "../../api/client";
import { plainMessage } from "../../api/problem";
import { useSession } from "../../hooks/useSession";
import { Alert, Loading, Page } from "../ui";
import { useUrlToken } from "./useUrlToken";

export function VerifyEmailPage() {
  const token = useUrlToken();
  const { me, checking, refresh } = useSession();
  const [state, setState] = useState<"working" | "done" | { error: unknown }>(token ? "working" : { error: null });
  const sent = useRef(false);

  useEffect(() => {
    // Wait for the session check: a signed-in browser must send its CSRF token with the POST.
    if (!token || sent.current || checking) return;
    sent.current = true; // the token works once: never send it twice (StrictMode runs effects twice)
    ok(auth.POST("/api/v1/auth/email/verify", { body: { token } }))
      .then(() => {
        setState("done");
        void refresh().catch(() => undefined);
      })
      .catch((error: unknown) => setState({ error }));
  }, [token, checking, refresh]);

  return (
    <Page title="Confirm your email address">
      <div className="grid max-w-md gap-4">
        {state === "working" ? (
          <Loading label="Confirming your email address…" />
        ) : state === "done" ? (
          <>
            <Alert tone="success" title="Your email address is confirmed">
              <p>Thank you. Appointment details and reminders will reach you there.</p>
            </Alert>
            <Link to={me ? "/" : "/login"} className="font-semibold text-brand-800 underline">
              {me ? "Book an appointment" : "Sign in"}
            </Link>
          </>
        ) : (
          <Alert tone="error" title="We could not confirm the address">
            <p>{state.error ? plainMessage(state.error) : "This link is not complete. Open the link from the mail again."}</p>
          </Alert>
        )}
      </div>
    </Page>
  );
}
