// /forgot-password: mail a reset link. The answer is the same whether the address has an account or not.
import { type FormEvent, useState } from "react";
import { Link } from "react-router-dom";

import { auth, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import { Alert, Button, Page, TextField } from "../ui";

export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await ok(auth.POST("/api/v1/auth/password/forgot", { body: { email: email.trim() } }));
      setSent(email.trim());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Forgot your password?" intro="Tell us your email address and we will mail you a link to choose a new password.">
      <div className="grid max-w-md gap-5">
        {sent && (
          <Alert tone="success" title="Check your mail">
            <p>If an account uses {sent}, a link is on its way. It works once and only for a short time.</p>
          </Alert>
        )}
        {error !== undefined && (
          <Alert tone="error" title="We could not send the link">
            <p>{plainMessage(error)}</p>
          </Alert>
        )}
        <form className="grid gap-4" onSubmit={(event) => void submit(event)} noValidate>
          <TextField label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldMessages(error).email} />
          <Button type="submit" busy={busy} className="w-full">
            {sent ? "Send the link again" : "Send me a link"}
          </Button>
        </form>
        <Link to="/login" className="font-semibold text-brand-800 underline">
          Back to sign in
        </Link>
      </div>
    </Page>
  );
}
