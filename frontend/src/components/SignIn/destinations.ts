// Where a sign-in leads: the page that asked for it (?next=), else the home of the account's role.
import type { Role } from "../../api/types";

/** A path inside this app, or null: never another origin ("//evil.example", "https://...", "/\\evil"). */
export function safeNext(raw: string | null | undefined): string | null {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return null;
  if (/[\u0000-\u001f]/.test(raw)) return null;
  return raw;
}

export function homeFor(role: Role | string | null | undefined): string {
  if (role === "doctor") return "/doctor";
  if (role === "admin") return "/admin";
  return "/";
}

export function destination(next: string | null | undefined, role: Role | string | null | undefined): string {
  return safeNext(next) ?? homeFor(role);
}

/** What Auth-MS's Google callback puts in ?auth_error=, said plainly. */
const GOOGLE_ERRORS: Record<string, string> = {
  state_invalid: "The Google sign-in took too long or was started in another window. Please try again.",
  provider_refused: "Google did not sign you in (it may have been cancelled). Please try again.",
  code_missing: "Google did not finish the sign-in. Please try again.",
  token_exchange_failed: "We could not finish the sign-in with Google. Please try again in a moment.",
  id_token_invalid: "We could not check the answer from Google. Please try again.",
  issuer_mismatch: "The sign-in answer did not come from Google. Please try again.",
  email_not_verified: "Google has not confirmed your email address, so we cannot use it to sign you in.",
  account_conflict:
    "An account with this email already exists but its address is not confirmed yet. Sign in with your password, confirm the address from our mail, then Google sign-in works too.",
  account_disabled: "This account is disabled. Please contact the hospital.",
  mfa_required: "Your account uses two-step sign-in. Sign in with your email, password and code instead.",
  link_required:
    "An account with this email already exists. Sign in with your password, then link Google from your account page.",
};

export function googleErrorMessage(code: string): string {
  return GOOGLE_ERRORS[code] ?? "Signing in with Google did not work. Please try again, or use your email and password.";
}
