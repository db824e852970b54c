// /reset-password#token= (a forgotten password) and /set-password#token= (a staff invitation from an admin):
// both set a password with the mailed token through POST /auth/password/reset. The token leaves the address
// bar as soon as the page has read it.
import { type FormEvent, useState } from "react";
import { Link } from "react-router-dom";

import { auth, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import { Alert, Button, Page, TextField } from "../ui";
import { passwordProblem } from "./RegisterPage";
import { useUrlToken } from "./useUrlToken";

const COPY = {
  reset: { title: "Choose a new password", intro: "After this, every device signed in to your account is signed out.", button: "Save the new password" },
  set: {
    title: "Set your password",
    intro: "Welcome to City Hospital. Choose the password for your staff account; you sign in with it and your email.",
    button: "Set my password",
  },
} as const;

export function ResetPasswordPage({ mode = "reset" }: { mode?: keyof typeof COPY }) {
  const token = useUrlToken();
  const copy = COPY[mode];
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);

  const tooWeak = tried ? passwordProblem(password) : undefined;
  const mismatch = tried && again !== password ? "The two passwords are not the same." : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (passwordProblem(password) || again !== password || !password) return;
    setBusy(true);
    setError(undefined);
    try {
      await ok(auth.POST("/api/v1/auth/password/reset", { body: { token, new_password: password } }));
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <Page title={copy.title}>
        <Alert tone="error" title="This link is not complete">
          <p>
            Open the link from the mail again, or{" "}
            <Link to="/forgot-password" className="font-semibold underline">
              ask for a new one
            </Link>
            .
          </p>
        </Alert>
      </Page>
    );
  }

  if (done) {
    return (
      <Page title={mode === "set" ? "Your password is set" : "Your password is changed"}>
        <div className="grid max-w-md gap-4">
          <Alert tone="success">
            <p>You can sign in with your email and the new password now.</p>
          </Alert>
          <Link to="/login" className="inline-flex min-h-[44px] items-center justify-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
            Sign in
          </Link>
        </div>
      </Page>
    );
  }

  const fields = fieldMessages(error);
  const tokenProblem = fields.token;
  return (
    <Page title={copy.title} intro={copy.intro}>
      <div className="grid max-w-md gap-5">
        {error !== undefined && (
          <Alert tone="error" title="The password is not saved yet">
            <p>{plainMessage(error)}</p>
            {tokenProblem && (
              <Link to="/forgot-password" className="mt-2 inline-block font-semibold underline">
                Ask for a new link
              </Link>
            )}
          </Alert>
        )}
        <form className="grid gap-4" onSubmit={(event) => void submit(event)} noValidate>
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 8 characters; not a common password, your email or your name."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={tooWeak ?? fields.new_password}
          />
          <TextField label="The same password again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} error={mismatch} />
          <Button type="submit" busy={busy} className="w-full">
            {copy.button}
          </Button>
        </form>
      </div>
    </Page>
  );
}
