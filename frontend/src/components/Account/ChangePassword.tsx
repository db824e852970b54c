// Change my password on the account page: the current password, then the new one twice. The server ends every
// other session and gives this browser a new one (with a new CSRF token, handed to the session hook).
import { type FormEvent, useState } from "react";

import { auth, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import { useSession } from "../../hooks/useSession";
import { passwordProblem } from "../SignIn/RegisterPage";
import { Alert, Button, TextField } from "../ui";

export function ChangePassword({ onChanged }: { onChanged?: () => void }) {
  const { signedIn } = useSession();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);

  const tooWeak = tried ? passwordProblem(password) : undefined;
  const mismatch = tried && again !== password ? "The two passwords are not the same." : undefined;
  const missing = (value: string, what: string) => (tried && !value ? `Enter ${what}.` : undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    setDone(false);
    if (!current || !password || passwordProblem(password) || again !== password) return;
    setBusy(true);
    setError(undefined);
    try {
      const me = await ok(auth.POST("/api/v1/auth/password/change", { body: { current_password: current, new_password: password } }));
      signedIn(me);
      setCurrent("");
      setPassword("");
      setAgain("");
      setTried(false);
      setDone(true);
      onChanged?.();
    } catch (failure) {
      setError(failure); // keep what was typed: only the wrong field needs fixing
    } finally {
      setBusy(false);
    }
  }

  const fields = fieldMessages(error);
  return (
    <section aria-labelledby="password-heading" className="rounded-xl border border-slate-300 bg-white p-5">
      <h2 id="password-heading" className="text-xl font-semibold text-slate-900">
        Change my password
      </h2>
      <p className="mb-4 mt-1 text-slate-700">Every other device signed in to your account is signed out; this one stays signed in.</p>
      {done && (
        <div className="mb-4">
          <Alert tone="success">
            <p>Your password is changed. Other devices are signed out.</p>
          </Alert>
        </div>
      )}
      {error !== undefined && (
        <div className="mb-4">
          <Alert tone="error" title="The password is not changed">
            <p>{plainMessage(error)}</p>
          </Alert>
        </div>
      )}
      <form className="grid max-w-md gap-4" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={missing(current, "your current password") ?? fields.current_password}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters; not a common password, your email or your name."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={missing(password, "a new password") ?? tooWeak ?? fields.new_password}
        />
        <TextField
          label="The new password again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          error={mismatch}
        />
        <Button type="submit" busy={busy} className="sm:w-fit">
          Change my password
        </Button>
      </form>
    </section>
  );
}
