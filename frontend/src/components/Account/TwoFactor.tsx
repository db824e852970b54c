// Account page, staff only: two-step sign-in with an authenticator app. Set it up (key as text, confirm with a
// first code, recovery codes shown once), see how many recovery codes are left, or turn it off with the password.
import { type FormEvent, useState } from "react";

import { auth, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import { useAsync } from "../../hooks/useAsync";
import { useSession } from "../../hooks/useSession";
import { type Enrolment, RecoveryCodes, TotpSecret } from "../SignIn/TotpSetup";
import { Alert, Button, ErrorState, Loading, TextField } from "../ui";

/** The reminder an admin without two-step sign-in sees (the server sets `mfa_reminder` at every sign-in). */
export function MfaReminderBanner() {
  const { me } = useSession();
  if (!me?.mfa_reminder) return null;
  return (
    <Alert tone="warning" title="Protect your administrator account">
      <p>
        Your account can change every other account. Turn on two-step sign-in so a stolen password alone cannot get in.{" "}
        <a href="/account#two-step" className="font-semibold underline">
          Set it up now
        </a>
      </p>
    </Alert>
  );
}

type Step = { kind: "idle" } | { kind: "confirm"; enrolment: Enrolment } | { kind: "codes"; codes: string[] } | { kind: "disable" };

export function TwoFactor() {
  const { role, refresh } = useSession();
  const status = useAsync(() => ok(auth.GET("/api/v1/auth/mfa")), []);
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);

  if (role !== "doctor" && role !== "admin") return null;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    setMessage(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const start = () =>
    run(async () => {
      const enrolment = await ok(auth.POST("/api/v1/auth/mfa/totp"));
      setCode("");
      setStep({ kind: "confirm", enrolment });
    });

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { recovery_codes } = await ok(auth.POST("/api/v1/auth/mfa/totp/confirm", { body: { code: code.trim() } }));
      setStep({ kind: "codes", codes: recovery_codes ?? [] });
      await Promise.all([status.reload(), refresh()]);
    });
  };

  const disable = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await ok(auth.POST("/api/v1/auth/mfa/totp/disable", { body: { password } }));
      setPassword("");
      setStep({ kind: "idle" });
      setMessage("Two-step sign-in is off. You sign in with your password only.");
      await Promise.all([status.reload(), refresh()]);
    });
  };

  const fields = fieldMessages(error);
  const current = status.data;
  return (
    <section id="two-step" aria-labelledby="two-step-heading" className="rounded-xl border border-slate-300 bg-white p-5">
      <h2 id="two-step-heading" className="text-xl font-semibold text-slate-900">
        Two-step sign-in
      </h2>
      <p className="mt-1 text-slate-700">After your password, a code from an authenticator app on your phone. Any standard app works.</p>
      <div className="mt-4 grid gap-4">
        {message && (
          <Alert tone="success">
            <p>{message}</p>
          </Alert>
        )}
        {error !== undefined && (
          <Alert tone="error" title="That did not work">
            <p>{plainMessage(error)}</p>
          </Alert>
        )}
        {status.error ? (
          <ErrorState error={status.error} onRetry={() => void status.reload()} />
        ) : !current ? (
          <Loading />
        ) : step.kind === "codes" ? (
          <>
            <Alert tone="success" title="Two-step sign-in is on" />
            <RecoveryCodes codes={step.codes} />
            <Button className="justify-self-start" onClick={() => setStep({ kind: "idle" })}>
              I have saved them
            </Button>
          </>
        ) : step.kind === "confirm" ? (
          <>
            <TotpSecret enrolment={step.enrolment} />
            <form className="grid gap-4 sm:max-w-sm" onSubmit={confirm} noValidate>
              <TextField
                label="The 6-digit code the app now shows"
                autoComplete="one-time-code"
                inputMode="numeric"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
                error={fields.code}
              />
              <div className="flex flex-wrap gap-3">
                <Button type="submit" busy={busy}>
                  Turn on
                </Button>
                <Button variant="secondary" disabled={busy} onClick={() => setStep({ kind: "idle" })}>
                  Cancel
                </Button>
              </div>
            </form>
          </>
        ) : current.enrolled ? (
          <>
            <p className="text-slate-900">
              <span className="font-semibold">On.</span> {current.recovery_codes_left} of 10 recovery codes left.
              {current.required && " Two-step sign-in is required for staff here."}
            </p>
            {!current.required &&
              (step.kind === "disable" ? (
                <form className="grid gap-4 sm:max-w-sm" onSubmit={disable} noValidate>
                  <TextField
                    label="Your password, to turn two-step sign-in off"
                    type="password"
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    error={fields.password}
                  />
                  <div className="flex flex-wrap gap-3">
                    <Button type="submit" variant="danger" busy={busy}>
                      Turn off
                    </Button>
                    <Button variant="secondary" disabled={busy} onClick={() => setStep({ kind: "idle" })}>
                      Keep it on
                    </Button>
                  </div>
                </form>
              ) : (
                <Button variant="secondary" className="justify-self-start" onClick={() => setStep({ kind: "disable" })}>
                  Turn off two-step sign-in
                </Button>
              ))}
          </>
        ) : (
          <>
            <p className="text-slate-900">
              <span className="font-semibold">Off.</span> Anyone with your password can sign in as you.
            </p>
            <Button className="justify-self-start" busy={busy} onClick={() => void start()}>
              Set up two-step sign-in
            </Button>
          </>
        )}
      </div>
    </section>
  );
}
