// The doctor directory as an admin searches it: by name or clinic and by specialization, a page at a time.
import { type FormEvent, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { doctors, ok } from "../../api/client";
import type { Specialization } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { Button, EmptyState, Loading, SelectField, TextField } from "../ui";
import { AdminError } from "./AdminError";
import { plural } from "./format";
import { Pager } from "./Pager";

const PAGE_SIZE = 20;

export function DoctorDirectory({ catalog }: { catalog: Specialization[] }) {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const specialization = params.get("specialization") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);

  const { data, error, loading, reload } = useAsync(
    () =>
      ok(
        doctors.GET("/api/v1/doctors", {
          params: { query: { q: q || undefined, specialization: specialization || undefined, page, page_size: PAGE_SIZE } },
        }),
      ),
    [q, specialization, page],
  );

  function search(next: { q?: string; specialization?: string; page?: number }) {
    const merged = { q, specialization, page: 1, ...next };
    const query = new URLSearchParams();
    if (merged.q) query.set("q", merged.q);
    if (merged.specialization) query.set("specialization", merged.specialization);
    if (merged.page > 1) query.set("page", String(merged.page));
    setParams(query);
  }

  return (
    <div>
      <form
        role="search"
        aria-label="Doctors"
        className="mb-4 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-[1fr,1fr,auto] sm:items-end"
        onSubmit={(event: FormEvent) => (event.preventDefault(), search({ q: typed.trim() }))}
      >
        <TextField label="Name or clinic" type="search" value={typed} onChange={(event) => setTyped(event.target.value)} />
        <SelectField
          label="Specialization"
          value={specialization}
          onChange={(event) => search({ q: typed.trim(), specialization: event.target.value })}
        >
          <option value="">All specializations</option>
          {catalog.map((item) => (
            <option key={item.slug} value={item.slug}>
              {item.name}
            </option>
          ))}
        </SelectField>
        <Button type="submit">Search</Button>
      </form>

      {loading && !data && <Loading label="Loading doctors…" />}
      {error !== undefined && <AdminError error={error} onRetry={() => void reload()} />}
      {data && (
        <div aria-busy={loading || undefined}>
          <p className="mb-2 text-sm text-slate-700" aria-live="polite">
            {plural(data.total, "doctor")} {q || specialization ? "found" : "in the directory"}
          </p>
          {data.items.length === 0 ? (
            <EmptyState title="No doctor matches">
              {q || specialization ? "Try fewer words or all specializations." : "Add the first doctor with “Add a doctor”."}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
              {data.items.map((doctor) => (
                <li key={doctor.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
                  <div className="min-w-0">
                    <p className="font-semibold text-slate-900">{doctor.full_name}</p>
                    <p className="text-sm text-slate-700">
                      {(doctor.specializations ?? []).map((ref) => ref.name ?? ref.slug).join(", ")}
                    </p>
                    <p className="text-sm text-slate-700">
                      {[doctor.clinic, doctor.location, doctor.time_zone].filter(Boolean).join(" · ")}
                      {doctor.accepting_new_patients === false && " · not taking new patients"}
                    </p>
                  </div>
                  <Link
                    to={`/admin/doctors/${doctor.id}`}
                    aria-label={`Edit ${doctor.full_name}`}
                    className="inline-flex min-h-[44px] items-center rounded-lg border border-slate-300 px-4 font-semibold text-brand-800 hover:bg-slate-50"
                  >
                    Edit
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(next) => search({ page: next })} />
        </div>
      )}
    </div>
  );
}
