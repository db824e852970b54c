// The home page: "What do you need?" with every specialization as a large choice, and one search box that
// understands specialty names, doctors' names and symptoms in everyday words.
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import type { Doctor, Specialization } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { findSpecializations } from "../../lib/symptoms";
import { PendingHoldBanner } from "../Booking/PendingHoldBanner";
import { ReturnFromSignIn } from "../SignIn/ReturnFromSignIn";
import { EmptyState, ErrorState, Loading, Page } from "../ui";
import { DoctorAvatar } from "./DoctorAvatar";
import { loadSpecializations, searchDoctors } from "./directory";
import { findUrl } from "./slotQuery";

const FIRST = "general-practice"; // "not sure? start here" leads the list

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return settled;
}

function SpecializationChoice({ specialization }: { specialization: Specialization }) {
  const slug = specialization.slug ?? "";
  return (
    <li>
      <Link
        to={findUrl({ specialization: slug })}
        data-testid={`specialization-${slug}`}
        className="flex h-full min-h-[64px] flex-col justify-center rounded-xl border border-slate-300 bg-white p-3 shadow-sm sm:min-h-[88px] sm:p-4 transition hover:border-brand-700 hover:bg-brand-50"
      >
        <span className="text-lg font-semibold text-brand-900">{specialization.name}</span>
        {slug === FIRST && <span className="text-sm font-medium text-brand-800">Not sure? Start here.</span>}
        {specialization.description && <span className="mt-1 text-sm text-slate-700">{specialization.description}</span>}
      </Link>
    </li>
  );
}

function DoctorChoice({ doctor }: { doctor: Doctor }) {
  const specialties = (doctor.specializations ?? []).map((s) => s.name).join(", ");
  return (
    <li>
      <Link
        to={findUrl({ doctor_id: doctor.id })}
        className="flex items-center gap-3 rounded-xl border border-slate-300 bg-white p-3 hover:border-brand-700 hover:bg-brand-50"
      >
        <DoctorAvatar name={doctor.full_name ?? ""} photoUrl={doctor.photo_url} size="sm" />
        <span>
          <span className="block font-semibold text-brand-900">{doctor.full_name}</span>
          <span className="block text-sm text-slate-700">
            {[specialties, doctor.clinic, doctor.location].filter(Boolean).join(" · ")}
          </span>
        </span>
      </Link>
    </li>
  );
}

function SearchResults({ text, catalog }: { text: string; catalog: Specialization[] }) {
  const matches = useMemo(() => findSpecializations(text, catalog).slice(0, 6), [text, catalog]);
  const settled = useDebounced(text.trim(), 250);
  const found = useAsync(() => (settled.length >= 2 ? searchDoctors(settled) : Promise.resolve([])), [settled]);
  const doctorsFound = found.data ?? [];
  const count = matches.length + doctorsFound.length;

  return (
    <section aria-labelledby="results-heading" className="mb-8">
      <h2 id="results-heading" className="mb-1 text-xl font-semibold text-slate-900">
        Matches for “{text.trim()}”
      </h2>
      <p className="sr-only" aria-live="polite">
        {found.loading ? "" : `${count} ${count === 1 ? "match" : "matches"}`}
      </p>
      {matches.length > 0 && (
        <ul className="mt-3 grid gap-3 sm:grid-cols-2" aria-label="Matching specialties">
          {matches.map(({ specialization, because }) => (
            <li key={specialization.slug}>
              <Link
                to={findUrl({ specialization: specialization.slug })}
                className="block rounded-xl border-2 border-brand-700 bg-white p-4 hover:bg-brand-50"
              >
                <span className="block text-lg font-semibold text-brand-900">{specialization.name}</span>
                <span className="block text-sm text-slate-700">
                  {because ? `For “${because}”. ` : ""}See the next free time.
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {doctorsFound.length > 0 && (
        <>
          <h3 className="mb-2 mt-5 font-semibold text-slate-900">Doctors</h3>
          <ul className="grid gap-3 sm:grid-cols-2" aria-label="Matching doctors">
            {doctorsFound.map((doctor) => (
              <DoctorChoice key={doctor.id} doctor={doctor} />
            ))}
          </ul>
        </>
      )}
      {count === 0 && !found.loading && (
        <EmptyState title="Nothing matches that yet">
          Try other words, such as “headache” or “skin”, or choose from the list below. If you are not sure,{" "}
          <Link className="font-semibold text-brand-800 underline" to={findUrl({ specialization: FIRST })}>
            see a general practitioner
          </Link>
          .
        </EmptyState>
      )}
    </section>
  );
}

export function Home() {
  const catalog = useAsync(loadSpecializations, []);
  const [text, setText] = useState("");
  const navigate = useNavigate();
  const ordered = useMemo(() => {
    const list = [...(catalog.data ?? [])];
    return list.sort((a, b) => Number(b.slug === FIRST) - Number(a.slug === FIRST));
  }, [catalog.data]);
  const searching = text.trim().length >= 2;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const best = findSpecializations(text, ordered)[0];
    if (best) navigate(findUrl({ specialization: best.specialization.slug }));
  }

  return (
    <Page
      title="What do you need?"
      intro="Choose the kind of care, or tell us what is wrong in your own words. We show the earliest free appointment first."
    >
      <ReturnFromSignIn />
      <PendingHoldBanner />
      <form role="search" onSubmit={onSubmit} className="mb-8 max-w-2xl">
        <label htmlFor="need" className="mb-1 block font-medium text-slate-800">
          Search by symptom, specialty or doctor
        </label>
        <input
          id="need"
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="e.g. chest pain, rash, Dr. Fischer"
          autoComplete="off"
          enterKeyHint="search"
          className="block w-full rounded-xl border border-slate-400 bg-white px-4 py-3 text-lg text-slate-900 placeholder:text-slate-600"
        />
      </form>
      {searching && catalog.data && <SearchResults text={text} catalog={ordered} />}
      <h2 className="mb-3 text-xl font-semibold text-slate-900">{searching ? "All specialties" : "Choose a specialty"}</h2>
      {catalog.error ? (
        <ErrorState error={catalog.error} onRetry={() => void catalog.reload()} />
      ) : !catalog.data ? (
        <Loading label="Loading the specialties…" />
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {ordered.map((specialization) => (
            <SpecializationChoice key={specialization.slug} specialization={specialization} />
          ))}
        </ul>
      )}
    </Page>
  );
}
