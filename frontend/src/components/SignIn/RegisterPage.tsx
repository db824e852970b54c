// /register: a patient account in one step (name, email, password); signed in at once, then on to ?next=.
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";

import { auth, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import { useSession } from "../../hooks/useSession";
import { PendingHoldBanner } from "../Booking/PendingHoldBanner";
import { takeAfterSignIn } from "../Booking/pendingHold";
import { Alert, Button, Page, TextField } from "../ui";
import { destination, safeNext } from "./destinations";
import { GoogleSignInLink } from "./GoogleSignIn";
import { Divider, withNext } from "./SignInPage";

const encoder = new TextEncoder();

export function passwordProblem(password: string): string | undefined {
  const bytes = encoder.encode(password).length;
  if (bytes === 0) return undefined;
  if (bytes < 8) return "Use at least 8 characters.";
  if (bytes > 72) return "Use at most 72 bytes (a little shorter, please).";
  return undefined;
}

export function RegisterPage() {
  const { me, role, checking, signedIn } = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const [tried, setTried] = useState(false);

  if (!checking && me && !busy && !done) return <Navigate to={destination(next, role)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (passwordProblem(password)) return;
    setBusy(true);
    setError(undefined);
    try {
      const who = await ok(
        auth.POST("/api/v1/auth/register", { body: { full_name: fullName.trim(), email: email.trim(), password } }),
      );
      takeAfterSignIn();
      setDone(true);
      signedIn(who);
      navigate(destination(next, who.role), { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const fields = fieldMessages(error);
  const localPassword = tried ? passwordProblem(password) : undefined;
  return (
    <Page title="Create your account" intro="It takes a minute. We use your email to send your appointment details.">
      <div className="grid max-w-md gap-5">
        <PendingHoldBanner continueLink={false} />
        {error !== undefined && (
          <Alert tone="error" title="Your account is not created yet">
            <p>{plainMessage(error)}</p>
          </Alert>
        )}
        <form className="grid gap-4" onSubmit={(event) => void submit(event)} noValidate>
          <TextField label="Full name" autoComplete="name" required value={fullName} onChange={(e) => setFullName(e.target.value)} error={fields.full_name} />
          <TextField label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            required
            hint="8 to 72 characters. A short sentence is easy to remember."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={localPassword ?? fields.password}
          />
          <Button type="submit" busy={busy} className="w-full">
            Create account
          </Button>
        </form>
        <Divider />
        <GoogleSignInLink next={next} label="Continue with Google" />
        <p className="text-slate-800">
          Already have an account?{" "}
          <Link to={withNext("/login", next)} className="font-semibold text-brand-800 underline">
            Sign in
          </Link>
        </p>
      </div>
    </Page>
  );
}
