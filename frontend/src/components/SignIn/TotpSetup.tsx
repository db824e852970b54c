// The pieces of setting up an authenticator app, used at sign-in (when it is mandatory) and on the account page:
// the otpauth:// link and the secret in groups of four for typing by hand, and the recovery codes shown once.
import type { components } from "../../api/generated/auth";

export type Enrolment = components["schemas"]["Enrolment"];

export function TotpSecret({ enrolment }: { enrolment: Enrolment }) {
  return (
    <div className="grid gap-3 rounded-lg border border-slate-300 bg-slate-50 p-4" data-testid="totp-secret">
      <p className="text-slate-800">
        In your authenticator app (for example Google Authenticator, Microsoft Authenticator, FreeOTP or 1Password),
        add an account and enter this key. Choose a time-based code if the app asks.
      </p>
      <p className="text-sm font-medium text-slate-700">Key</p>
      <p className="break-all font-mono text-lg tracking-wider text-slate-900" aria-label="Key for the authenticator app">
        {enrolment.secret_grouped}
      </p>
      <details className="text-sm text-slate-700">
        <summary className="cursor-pointer font-semibold text-brand-800 underline">Setup link for apps that import one</summary>
        <p className="mt-2 break-all font-mono text-xs text-slate-800">{enrolment.otpauth_uri}</p>
        {enrolment.otpauth_uri && (
          <a href={enrolment.otpauth_uri} className="mt-2 inline-block font-semibold text-brand-800 underline">
            Open in an authenticator app on this device
          </a>
        )}
      </details>
    </div>
  );
}

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="grid gap-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950" data-testid="recovery-codes">
      <p className="font-semibold">Save these recovery codes now. They are shown only this once.</p>
      <p>If you lose your phone, each code signs you in one time instead of a code from the app.</p>
      <ul className="grid grid-cols-2 gap-2 font-mono text-base sm:grid-cols-3" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </div>
  );
}
