// /admin/accounts: every account (patients, doctors, admins), searchable, a page at a time.
import { type FormEvent, useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { auth, ok } from "../../api/client";
import type { Role, User } from "../../api/types";
import { AccountCard } from "../../components/Admin/AccountCard";
import { AdminError } from "../../components/Admin/AdminError";
import { ROLE_NAMES, ROLES } from "../../components/Admin/adminApi";
import { plural } from "../../components/Admin/format";
import { Pager } from "../../components/Admin/Pager";
import { Button, EmptyState, Loading, Page, SelectField, TextField } from "../../components/ui";
import { useAsync } from "../../hooks/useAsync";
import { useSession } from "../../hooks/useSession";

const PAGE_SIZE = 20;

function roleParam(value: string | null): Role | undefined {
  return (ROLES as string[]).includes(value ?? "") ? (value as Role) : undefined;
}

export default function AccountsPage() {
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const role = roleParam(params.get("role"));
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);

  const { data, error, loading, reload } = useAsync(
    () => ok(auth.GET("/api/v1/auth/users", { params: { query: { q: q || undefined, role, page, page_size: PAGE_SIZE } } })),
    [q, role, page],
  );
  // Accounts changed on this page, shown as the server returned them without reloading the list.
  const [changed, setChanged] = useState<Record<string, User>>({});

  function search(next: { q?: string; role?: string; page?: number }) {
    const merged = { q, role: role ?? "", page: 1, ...next };
    const query = new URLSearchParams();
    if (merged.q) query.set("q", merged.q);
    if (merged.role) query.set("role", merged.role);
    if (merged.page > 1) query.set("page", String(merged.page));
    setParams(query);
  }

  return (
    <Page title="Accounts" intro="Find an account to disable or enable it, or to change its role.">
      <form
        role="search"
        aria-label="Accounts"
        className="mb-4 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-[1fr,12rem,auto] sm:items-end"
        onSubmit={(event: FormEvent) => (event.preventDefault(), search({ q: typed.trim() }))}
      >
        <TextField label="Name or email" type="search" value={typed} onChange={(event) => setTyped(event.target.value)} />
        <SelectField label="Role" value={role ?? ""} onChange={(event) => search({ q: typed.trim(), role: event.target.value })}>
          <option value="">All roles</option>
          {ROLES.map((option) => (
            <option key={option} value={option}>
              {ROLE_NAMES[option]}s
            </option>
          ))}
        </SelectField>
        <Button type="submit">Search</Button>
      </form>

      {loading && !data && <Loading label="Loading accounts…" />}
      {error !== undefined && <AdminError error={error} onRetry={() => void reload()} />}
      {data && (
        <div aria-busy={loading || undefined}>
          <p className="mb-2 text-sm text-slate-700" aria-live="polite">
            {plural(data.total, "account")} {q || role ? "found" : "in all"}
          </p>
          {data.items.length === 0 ? (
            <EmptyState title="No account matches">Try part of the name or email, or all roles.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
              {data.items.map((user) => {
                const shown = changed[user.id ?? ""] ?? user;
                return (
                  <AccountCard
                    key={user.id}
                    user={shown}
                    isMe={user.id === me?.id}
                    onChanged={(fresh) => setChanged((all) => ({ ...all, [user.id ?? ""]: fresh }))}
                  />
                );
              })}
            </ul>
          )}
          <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(next) => search({ page: next })} />
        </div>
      )}
    </Page>
  );
}
