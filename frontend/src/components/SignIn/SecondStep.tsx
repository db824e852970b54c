// The second step of a staff sign-in: a code from the authenticator app (or a recovery code). When two-step
// sign-in is mandatory and the account has none yet, the app is set up here first; the first code signs in.
import { type FormEvent, useState } from "react";

import { auth, ok } from "../../api/client";
import { ApiError, fieldMessages, plainMessage } from "../../api/problem";
import type { Me } from "../../api/types";
import { Alert, Button, TextField } from "../ui";
import { type Enrolment, RecoveryCodes, TotpSecret } from "./TotpSetup";

export interface MfaChallenge {
  token: string;
  purpose: "verify" | "enrol";
}

/** The challenge a login answer carries: 200 {mfa_required, mfa_token}. */
export function challengeFromLogin(answer: { mfa_required?: boolean; mfa_token?: string }): MfaChallenge | null {
  return answer.mfa_required && answer.mfa_token ? { token: answer.mfa_token, purpose: "verify" } : null;
}

/** The challenge a refused login carries when staff must first set up two-step sign-in (403). */
export function challengeFromRefusal(error: unknown): MfaChallenge | null {
  if (!(error instanceof ApiError) || error.status !== 403 || error.problem.mfa_enrolment_required !== true) return null;
  const token = error.problem.mfa_token;
  return typeof token === "string" ? { token, purpose: "enrol" } : null;
}

/** Anything but a plain wrong code ends the pending sign-in: the password is needed again. */
function needsRestart(error: unknown): boolean {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 429)) return false;
  return error.problem.errors?.code?.[0] !== "wrong or already used";
}

interface Props {
  challenge: MfaChallenge;
  onSignedIn: (me: Me) => void;
  onRestart: () => void;
}

export function SecondStep({ challenge, onSignedIn, onRestart }: Props) {
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [saved, setSaved] = useState<{ me: Me; codes: string[] } | null>(null);

  async function startEnrolment() {
    setBusy(true);
    setError(undefined);
    try {
      setEnrolment(await ok(auth.POST("/api/v1/auth/login/mfa/enrol", { body: { mfa_token: challenge.token } })));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const who = await ok(auth.POST("/api/v1/auth/login/mfa", { body: { mfa_token: challenge.token, code: code.trim() } }));
      if (who.recovery_codes?.length) setSaved({ me: who, codes: who.recovery_codes });
      else onSignedIn(who);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (saved) {
    return (
      <div className="grid max-w-md gap-5">
        <Alert tone="success" title="Two-step sign-in is on" />
        <RecoveryCodes codes={saved.codes} />
        <Button onClick={() => onSignedIn(saved.me)}>I have saved them, continue</Button>
      </div>
    );
  }

  const mustEnrol = challenge.purpose === "enrol";
  const fields = fieldMessages(error);
  return (
    <div className="grid max-w-md gap-5">
      {mustEnrol && (
        <Alert tone="info" title="Two-step sign-in is required for staff">
          <p>Set up an authenticator app on your phone now. From then on you sign in with your password and a code from the app.</p>
        </Alert>
      )}
      {error !== undefined && (
        <Alert tone="error" title="You are not signed in yet">
          <p>{plainMessage(error)}</p>
          {needsRestart(error) && (
            <button type="button" onClick={onRestart} className="mt-2 font-semibold underline">
              Start again with your password
            </button>
          )}
        </Alert>
      )}
      {mustEnrol && !enrolment ? (
        <Button busy={busy} onClick={() => void startEnrolment()}>
          Set up the authenticator app
        </Button>
      ) : (
        <>
          {enrolment && <TotpSecret enrolment={enrolment} />}
          <form className="grid gap-4" onSubmit={(event) => void submit(event)} noValidate>
            <TextField
              label={recovery ? "Recovery code" : mustEnrol ? "The 6-digit code the app now shows" : "Code from your authenticator app"}
              autoComplete="one-time-code"
              inputMode={recovery ? "text" : "numeric"}
              autoFocus
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              error={fields.code}
              hint={recovery ? "One of the codes you saved, such as K7M2Q-9XRTA. Each works once." : "6 digits. A new code appears every 30 seconds."}
            />
            <Button type="submit" busy={busy} className="w-full">
              {mustEnrol ? "Turn on and sign in" : "Sign in"}
            </Button>
          </form>
          {!mustEnrol && (
            <button
              type="button"
              className="justify-self-start text-sm font-semibold text-brand-800 underline"
              onClick={() => {
                setRecovery(!recovery);
                setCode("");
              }}
            >
              {recovery ? "Use a code from the app instead" : "Lost your phone? Use a recovery code"}
            </button>
          )}
        </>
      )}
    </div>
  );
}
