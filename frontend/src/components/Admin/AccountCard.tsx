// One account in the admin's list: who it is, and disable/enable or change role, each after a confirm step.
import { useEffect, useRef, useState } from "react";

import { auth, ok } from "../../api/client";
import { plainMessage } from "../../api/problem";
import type { Role, User } from "../../api/types";
import { formatDay } from "../../lib/time";
import { Alert, Button, SelectField } from "../ui";
import { changeRole, ROLE_NAMES, ROLES } from "./adminApi";
import { StatusBadge } from "./StatusBadge";

type Pending = { kind: "disable" } | { kind: "enable" } | { kind: "role"; role: Role };

function roleOf(user: User): Role {
  return (ROLES as string[]).includes(String(user.role)) ? (user.role as Role) : "patient";
}

function question(pending: Pending, user: User): { text: string; action: string } {
  const name = user.full_name || user.email || "this account";
  if (pending.kind === "disable")
    return {
      text: `Disable ${name}? They are signed out everywhere at once and cannot sign in until the account is enabled again.`,
      action: "Yes, disable",
    };
  if (pending.kind === "enable") return { text: `Enable ${name} again? They can sign in with their password.`, action: "Yes, enable" };
  return {
    text: `Change ${name}'s role from ${ROLE_NAMES[roleOf(user)]} to ${ROLE_NAMES[pending.role]}? They are signed out everywhere and sign in again with the new role.`,
    action: "Yes, change role",
  };
}

export function AccountCard({ user, isMe, onChanged }: { user: User; isMe: boolean; onChanged: (user: User) => void }) {
  const current = roleOf(user);
  const [role, setRole] = useState<Role>(current);
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState("");
  const confirmButton = useRef<HTMLButtonElement>(null);
  const actions = useRef<HTMLDivElement>(null);
  const nameId = `account-${user.id}`;

  useEffect(() => setRole(current), [current]);
  useEffect(() => {
    if (pending) confirmButton.current?.focus();
  }, [pending]);

  function ask(next: Pending) {
    setFailure(undefined);
    setDone("");
    setPending(next);
  }

  function cancel() {
    setPending(undefined);
    if (pending?.kind === "role") setRole(current);
    actions.current?.querySelector<HTMLElement>("button, select")?.focus();
  }

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    setFailure(undefined);
    const path = { params: { path: { user_id: user.id ?? "" } } };
    try {
      let changed: User;
      if (pending.kind === "disable") changed = await ok(auth.POST("/api/v1/auth/users/{user_id}/disable", path));
      else if (pending.kind === "enable") changed = await ok(auth.POST("/api/v1/auth/users/{user_id}/enable", path));
      else changed = await changeRole(user.id ?? "", pending.role);
      setDone(
        pending.kind === "role" ? `Role changed to ${ROLE_NAMES[pending.role]}.` : pending.kind === "disable" ? "Account disabled." : "Account enabled.",
      );
      setPending(undefined);
      onChanged(changed);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const asked = pending ? question(pending, user) : undefined;

  return (
    <li className="p-4" aria-labelledby={nameId} data-testid="account">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p id={nameId} className="font-semibold text-slate-900">
            {user.full_name || "(no name)"}
            {isMe && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-800">You</span>}
          </p>
          <p className="break-all text-sm text-slate-700">{user.email}</p>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
            <span className="font-semibold text-slate-900">{ROLE_NAMES[current]}</span>
            <StatusBadge up={!user.disabled} upLabel="Active" downLabel="Disabled" />
            {user.email_verified === false && <span>email not confirmed</span>}
            {user.created_at && <span>since {formatDay(user.created_at)}</span>}
          </p>
        </div>
        {isMe ? (
          <p className="max-w-xs text-sm text-slate-700">This is your account: its role and access are changed by another admin.</p>
        ) : (
          <div ref={actions} className="flex flex-wrap items-end gap-2">
            <SelectField
              label="Role"
              aria-label={`Role of ${user.full_name}`}
              value={role}
              disabled={busy}
              onChange={(event) => setRole(event.target.value as Role)}
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {ROLE_NAMES[option]}
                </option>
              ))}
            </SelectField>
            <Button
              variant="secondary"
              disabled={busy || role === current}
              onClick={() => ask({ kind: "role", role })}
              aria-label={`Change role of ${user.full_name}`}
            >
              Change role
            </Button>
            {user.disabled ? (
              <Button variant="secondary" disabled={busy} onClick={() => ask({ kind: "enable" })} aria-label={`Enable ${user.full_name}`}>
                Enable
              </Button>
            ) : (
              <Button variant="secondary" disabled={busy} onClick={() => ask({ kind: "disable" })} aria-label={`Disable ${user.full_name}`}>
                Disable
              </Button>
            )}
          </div>
        )}
      </div>
      {asked && (
        <div role="group" aria-label="Confirm" className="mt-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-amber-950">
          <p>{asked.text}</p>
          <div className="mt-2 flex flex-wrap gap-2">
            <Button ref={confirmButton} variant={pending?.kind === "disable" ? "danger" : "primary"} busy={busy} onClick={() => void confirm()}>
              {asked.action}
            </Button>
            <Button variant="secondary" disabled={busy} onClick={cancel}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      <div aria-live="polite">
        {failure !== undefined && (
          <div className="mt-3">
            <Alert tone="error" title="Not changed">
              <p>{plainMessage(failure)}</p>
            </Alert>
          </div>
        )}
        {done && <p className="mt-2 text-sm font-semibold text-green-900">{done}</p>}
      </div>
    </li>
  );
}
