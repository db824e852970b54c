// /login: email and password, or Google. Goes on to ?next= (a path of this app), else the role's home.
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";

import { auth, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import type { Me } from "../../api/types";
import { useSession } from "../../hooks/useSession";
import { PendingHoldBanner } from "../Booking/PendingHoldBanner";
import { takeAfterSignIn } from "../Booking/pendingHold";
import { Alert, Button, Page, TextField } from "../ui";
import { destination, googleErrorMessage, safeNext } from "./destinations";
import { GoogleSignInLink } from "./GoogleSignIn";
import { challengeFromLogin, challengeFromRefusal, type MfaChallenge, SecondStep } from "./SecondStep";

export function Divider() {
  return (
    <div className="flex items-center gap-3 text-sm text-slate-700" aria-hidden>
      <span className="h-px flex-1 bg-slate-300" />
      or
      <span className="h-px flex-1 bg-slate-300" />
    </div>
  );
}

export function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function SignInPage() {
  const { me, role, checking, signedIn } = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const googleError = params.get("auth_error");
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null); // staff: the code step

  if (!checking && me && !busy && !done) return <Navigate to={destination(next, role)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const who = await ok(auth.POST("/api/v1/auth/login", { body: { email: email.trim(), password } }));
      const pending = challengeFromLogin(who);
      if (pending) setChallenge(pending);
      else finish(who);
    } catch (failure) {
      const pending = challengeFromRefusal(failure);
      if (pending) setChallenge(pending);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function finish(who: Me) {
    takeAfterSignIn(); // a Google sign-in that was started and abandoned does not steer this one
    setDone(true);
    signedIn(who);
    navigate(destination(next, who.role), { replace: true });
  }

  if (challenge)
    return (
      <Page title="Two-step sign-in">
        <SecondStep challenge={challenge} onSignedIn={finish} onRestart={() => setChallenge(null)} />
      </Page>
    );

  const fields = fieldMessages(error);
  return (
    <Page title="Sign in">
      <div className="grid max-w-md gap-5">
        <PendingHoldBanner continueLink={false} />
        {googleError && (
          <Alert tone="error" title="Google sign-in did not work">
            <p>{googleErrorMessage(googleError)}</p>
          </Alert>
        )}
        {error !== undefined && (
          <Alert tone="error" title="You are not signed in yet">
            <p>{plainMessage(error)}</p>
          </Alert>
        )}
        <form className="grid gap-4" onSubmit={(event) => void submit(event)} noValidate>
          <TextField label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fields.password}
          />
          <Button type="submit" busy={busy} className="w-full">
            Sign in
          </Button>
        </form>
        <p className="text-sm">
          <Link to="/forgot-password" className="font-semibold text-brand-800 underline">
            Forgot your password?
          </Link>
        </p>
        <Divider />
        <GoogleSignInLink next={next} />
        <p className="text-slate-800">
          New here?{" "}
          <Link to={withNext("/register", next)} className="font-semibold text-brand-800 underline">
            Create an account
          </Link>
        </p>
      </div>
    </Page>
  );
}
