// Add a doctor in one form, two steps: (1) the staff account in Auth-MS, which mails the doctor an invitation
// to set a password, then (2) the doctor's profile in Doctor-MS for that account. If step 2 fails the account
// already exists: the form says so, keeps everything typed, and retries only the profile.
import { type FormEvent, type ReactNode, useRef, useState } from "react";
import { Link } from "react-router-dom";

import { auth, doctors, ok } from "../../api/client";
import { ApiError, fieldMessages, plainMessage } from "../../api/problem";
import type { Doctor, Specialization, User } from "../../api/types";
import { Alert, Button, TextField } from "../ui";
import { DoctorFields } from "./DoctorFields";
import { checkDraft, type DoctorDraft, emptyDraft, profileOf } from "./doctorDraft";

type StepState = "waiting" | "working" | "done" | "failed";

const STEP_TEXT: Record<Exclude<StepState, "waiting">, string> = { working: "Working…", done: "Done", failed: "Failed" };

const STEP_STYLE: Record<StepState, string> = {
  waiting: "border-slate-300 bg-white text-slate-700",
  working: "border-sky-700 bg-sky-50 text-sky-900",
  done: "border-green-700 bg-green-50 text-green-900",
  failed: "border-red-700 bg-red-50 text-red-900",
};

const STEP_MARK: Record<Exclude<StepState, "waiting">, string> = { working: "…", done: "✓", failed: "✕" };

function Step({ number, state, title, children }: { number: number; state: StepState; title: string; children?: ReactNode }) {
  return (
    <li className={`flex gap-3 rounded-lg border p-3 ${STEP_STYLE[state]}`} data-testid={`step-${number}`}>
      <span aria-hidden className="mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full border border-current text-sm font-bold">
        {state === "waiting" ? number : STEP_MARK[state]}
      </span>
      <div>
        <p className="font-semibold">
          Step {number}: {title}
          {state !== "waiting" && <span> — {STEP_TEXT[state]}</span>}
        </p>
        {children}
      </div>
    </li>
  );
}

/** The existing account behind an "email already registered" answer, if it is a doctor's. */
async function existingDoctorAccount(email: string): Promise<User | undefined> {
  try {
    const found = await ok(auth.GET("/api/v1/auth/users", { params: { query: { q: email, role: "doctor", page_size: 5 } } }));
    return found.items.find((user) => user.email?.toLowerCase() === email.trim().toLowerCase());
  } catch {
    return undefined; // the offer to reuse it is a convenience; the email error is already shown
  }
}

export function NewDoctorForm({ catalog }: { catalog: Specialization[] }) {
  const [email, setEmail] = useState("");
  const [draft, setDraft] = useState<DoctorDraft>(emptyDraft);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [account, setAccount] = useState<User>();
  const [accountState, setAccountState] = useState<StepState>("waiting");
  const [accountError, setAccountError] = useState<unknown>();
  const [existing, setExisting] = useState<User>();
  const [profileState, setProfileState] = useState<StepState>("waiting");
  const [profileError, setProfileError] = useState<unknown>();
  const [created, setCreated] = useState<Doctor>();
  const heading = useRef<HTMLHeadingElement>(null);

  const busy = accountState === "working" || profileState === "working";

  async function createProfile(owner: User) {
    setProfileState("working");
    setProfileError(undefined);
    try {
      const doctor = await ok(doctors.POST("/api/v1/doctors", { body: { ...profileOf(draft), user_id: owner.id ?? "" } }));
      setProfileState("done");
      setCreated(doctor);
      setTimeout(() => heading.current?.focus());
    } catch (failure) {
      setProfileState("failed");
      setProfileError(failure);
      setErrors(fieldMessages(failure));
    }
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (busy) return;
    const problems = checkDraft(draft);
    if (!account && !email.trim()) problems.email = "Enter the doctor's email address; the invitation goes there.";
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    let owner = account;
    if (!owner) {
      setAccountState("working");
      setAccountError(undefined);
      setExisting(undefined);
      try {
        owner = await ok(auth.POST("/api/v1/auth/users", { body: { email: email.trim(), full_name: draft.full_name.trim(), role: "doctor" } }));
        setAccount(owner);
        setAccountState("done");
      } catch (failure) {
        setAccountState("failed");
        setAccountError(failure);
        setErrors(fieldMessages(failure));
        if (failure instanceof ApiError && failure.status === 409) setExisting(await existingDoctorAccount(email));
        return;
      }
    }
    await createProfile(owner);
  }

  function adoptExisting(user: User) {
    setAccount(user);
    setAccountState("done");
    setAccountError(undefined);
    setExisting(undefined);
    setErrors({});
    void createProfile(user);
  }

  function startOver() {
    setEmail("");
    setDraft(emptyDraft());
    setErrors({});
    setAccount(undefined);
    setAccountState("waiting");
    setAccountError(undefined);
    setExisting(undefined);
    setProfileState("waiting");
    setProfileError(undefined);
    setCreated(undefined);
  }

  if (created) {
    return (
      <div className="space-y-4">
        <h2 ref={heading} tabIndex={-1} className="text-xl font-bold text-slate-900">
          {created.full_name} is in the directory
        </h2>
        <Alert tone="success" title="Doctor added">
          <p>
            We mailed an invitation to <strong>{account?.email}</strong> with a link to set a password. Until then the
            doctor cannot sign in. Their weekly hours are still empty: the doctor (or you) sets them next.
          </p>
        </Alert>
        <div className="flex flex-wrap gap-3">
          <Link to={`/admin/doctors/${created.id}`} className="inline-flex min-h-[44px] items-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
            Edit {created.full_name}
          </Link>
          <Button variant="secondary" onClick={startOver}>
            Add another doctor
          </Button>
        </div>
      </div>
    );
  }

  const retrying = account !== undefined;

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="space-y-6">
      <section aria-labelledby="account-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="account-heading" className="text-lg font-bold text-slate-900">
          Account and invitation
        </h2>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="off"
          required
          value={email}
          readOnly={retrying}
          disabled={busy}
          onChange={(event) => setEmail(event.target.value)}
          error={errors.email}
          hint={
            retrying
              ? "The account with this email exists and its invitation was mailed; only the profile is left."
              : "The doctor gets a mail here with a link to set a password."
          }
        />
      </section>
      <section aria-labelledby="profile-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="profile-heading" className="text-lg font-bold text-slate-900">
          Profile in the directory
        </h2>
        <DoctorFields draft={draft} onChange={setDraft} catalog={catalog} errors={errors} disabled={busy} />
      </section>

      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading" className="sr-only">
          Progress
        </h2>
        <ol className="space-y-2" aria-live="polite">
          <Step number={1} state={accountState} title="create the account and mail the invitation">
            {accountState === "done" && account && <p className="text-sm">Account {account.email} exists; the invitation is on its way.</p>}
            {accountState === "failed" && (
              <p className="text-sm">
                {plainMessage(accountError)} Nothing was created.
              </p>
            )}
          </Step>
          <Step number={2} state={profileState} title="create the doctor's profile">
            {profileState === "failed" && (
              <p className="text-sm">
                {plainMessage(profileError)} The account already exists, so only the profile is left: check the details
                and press “Retry the profile”.
              </p>
            )}
          </Step>
        </ol>
      </section>

      {existing && (
        <Alert tone="info" title="This email already belongs to a doctor's account">
          <p>
            {existing.full_name} ({existing.email}). If that doctor has no profile yet, create it for this account now.
          </p>
          <Button variant="secondary" className="mt-2" onClick={() => adoptExisting(existing)}>
            Create the profile for {existing.full_name}
          </Button>
        </Alert>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={busy}>
          {retrying ? "Retry the profile" : "Create account and profile"}
        </Button>
        {retrying && (
          <p className="text-sm text-slate-700">The account {account.email} is kept; nothing is sent twice.</p>
        )}
      </div>
    </form>
  );
}
