// Time off and custom hours: a month calendar, the form to add an entry, and the list (past ones read-only).
import { useId, useRef, useState } from "react";

import { doctors, ok } from "../../api/client";
import { ApiError, fieldMessages, plainMessage } from "../../api/problem";
import type { Doctor, TimeOff } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { dayKey } from "../../lib/time";
import { Alert, Button, EmptyState, ErrorState, Loading, TextField } from "../ui";
import {
  covers,
  describe,
  emptyForm,
  formatDate,
  formatMonth,
  hoursOf,
  isPast,
  shortHours,
  monthGrid,
  type TimeOffForm,
  toEntry,
} from "./calendar";

const WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

async function loadAll(): Promise<{ entries: TimeOff[]; zone: string }> {
  const [list, me] = await Promise.all([
    ok(doctors.GET("/api/v1/doctors/me/time-off")),
    ok(doctors.GET("/api/v1/doctors/me")).catch(() => undefined as Doctor | undefined),
  ]);
  return { entries: list.items, zone: me?.time_zone ?? "" };
}

export function TimeOffManager() {
  const data = useAsync(loadAll, []);
  const [form, setForm] = useState<TimeOffForm>(emptyForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const formRef = useRef<HTMLHeadingElement>(null);

  const zone = data.data?.zone || undefined;
  const today = dayKey(new Date().toISOString(), zone);
  const [month, setMonth] = useState(() => ({ year: Number(today.slice(0, 4)), month: Number(today.slice(5, 7)) }));

  if (data.error !== undefined && !data.data) return <ErrorState error={data.error} onRetry={() => void data.reload()} />;
  if (!data.data) return <Loading label="Loading your time off…" />;
  const entries = data.data.entries;

  const change = <K extends keyof TimeOffForm>(key: K, value: TimeOffForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setDone(undefined);
    if (errors[key as string]) setErrors((current) => ({ ...current, [key]: "" }));
  };

  const pick = (date: string) => {
    setForm((current) => ({ ...current, start_date: date, end_date: current.end_date && current.end_date >= date ? current.end_date : "" }));
    setDone(undefined);
    formRef.current?.focus();
  };

  const add = async () => {
    const { entry, errors: found } = toEntry(form);
    const clean = Object.fromEntries(Object.entries(found).filter(([, message]) => message));
    setSaveError(undefined);
    setErrors(clean);
    if (Object.keys(clean).length) return;
    setSaving(true);
    try {
      const created = await ok(doctors.POST("/api/v1/doctors/me/time-off", { body: entry }));
      setDone(`Added: ${describe(created)}.`);
      setForm(emptyForm());
      await data.reload();
    } catch (error) {
      setSaveError(error);
      if (error instanceof ApiError && error.status === 422) setErrors(fieldMessages(error));
    } finally {
      setSaving(false);
    }
  };

  const step = (by: number) => {
    const index = month.year * 12 + month.month - 1 + by;
    setMonth({ year: Math.floor(index / 12), month: (index % 12) + 1 });
  };

  const upcoming = entries.filter((e) => !isPast(e, today));
  const past = entries.filter((e) => isPast(e, today)).reverse();
  const custom = form.kind === "custom_hours";

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <section aria-labelledby="month" className="rounded-xl border border-slate-200 bg-white p-4">
        <div className="mb-3 flex items-center justify-between gap-2">
          <Button variant="secondary" onClick={() => step(-1)}>
            <span aria-hidden="true">‹</span>
            <span className="sr-only">Previous month</span>
          </Button>
          <h2 id="month" aria-live="polite" className="text-lg font-semibold text-slate-900">
            {formatMonth(month.year, month.month)}
          </h2>
          <Button variant="secondary" onClick={() => step(1)}>
            <span aria-hidden="true">›</span>
            <span className="sr-only">Next month</span>
          </Button>
        </div>
        <MonthCalendar year={month.year} month={month.month} entries={entries} today={today} chosen={form.start_date} onPick={pick} />
        <ul className="mt-3 flex flex-wrap gap-4 text-sm text-slate-700">
          <li className="flex items-center gap-2">
            <span className="h-3 w-3 rounded-sm bg-red-200 ring-1 ring-red-700" aria-hidden="true" /> Time off
          </li>
          <li className="flex items-center gap-2">
            <span className="h-3 w-3 rounded-sm bg-sky-200 ring-1 ring-sky-700" aria-hidden="true" /> Custom hours
          </li>
          <li>Choose a day to start an entry on it.</li>
        </ul>
      </section>

      <section aria-labelledby="add-entry" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="add-entry" ref={formRef} tabIndex={-1} className="text-lg font-semibold text-slate-900">
          Add time off or custom hours
        </h2>
        <form
          className="mt-3 flex flex-col gap-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void add();
          }}
        >
          <fieldset>
            <legend className="mb-1 text-sm font-medium text-slate-800">What</legend>
            <div className="flex flex-wrap gap-x-5">
              {(
                [
                  ["time_off", "Time off (away)"],
                  ["custom_hours", "Custom hours for one day"],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex min-h-[44px] items-center gap-2 text-slate-900">
                  <input type="radio" name="kind" value={value} checked={form.kind === value} onChange={() => change("kind", value)} className="h-5 w-5" />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label={custom ? "Date" : "First day"}
              type="date"
              value={form.start_date}
              onChange={(event) => change("start_date", event.target.value)}
              error={errors.start_date}
            />
            {!custom && (
              <TextField
                label="Last day (optional)"
                type="date"
                min={form.start_date || undefined}
                value={form.end_date}
                onChange={(event) => change("end_date", event.target.value)}
                error={errors.end_date}
                hint="Leave empty for one day."
              />
            )}
          </div>
          {!custom && (
            <label className="flex min-h-[44px] items-center gap-2 text-slate-900">
              <input type="checkbox" checked={form.whole_days} onChange={(event) => change("whole_days", event.target.checked)} className="h-5 w-5" />
              Whole days
            </label>
          )}
          {(custom || !form.whole_days) && (
            <div className="grid grid-cols-2 gap-4">
              <TextField
                label={custom ? "Working from" : "Away from"}
                inputMode="numeric"
                placeholder="09:00"
                value={form.start_time}
                onChange={(event) => change("start_time", event.target.value)}
                error={errors.start_time}
              />
              <TextField
                label={custom ? "Working until" : "Away until"}
                inputMode="numeric"
                placeholder="13:00"
                value={form.end_time}
                onChange={(event) => change("end_time", event.target.value)}
                error={errors.end_time}
              />
            </div>
          )}
          {custom && <p className="text-sm text-slate-700">These hours replace your usual hours on that day.</p>}
          <TextField
            label="Reason (optional, only you and admins see it)"
            value={form.reason}
            maxLength={200}
            onChange={(event) => change("reason", event.target.value)}
            error={errors.reason}
          />
          {saveError !== undefined && <Alert tone="error" title="Not added">{plainMessage(saveError)}</Alert>}
          {done && <Alert tone="success">{done}</Alert>}
          <div>
            <Button type="submit" busy={saving}>
              Add entry
            </Button>
          </div>
        </form>
      </section>

      <section aria-labelledby="entries" className="lg:col-span-2">
        <h2 id="entries" className="mb-3 text-lg font-semibold text-slate-900">
          Your entries
        </h2>
        {upcoming.length === 0 ? (
          <EmptyState title="No time off or custom hours planned" />
        ) : (
          <ul className="flex flex-col gap-2">
            {upcoming.map((entry) => (
              <EntryRow key={entry.id} entry={entry} onDeleted={() => void data.reload()} />
            ))}
          </ul>
        )}
        {past.length > 0 && (
          <details className="mt-4">
            <summary className="cursor-pointer font-semibold text-slate-800">Past entries ({past.length}, read-only)</summary>
            <ul className="mt-2 flex flex-col gap-2">
              {past.map((entry) => (
                <li key={entry.id} className="rounded-lg border border-slate-200 bg-slate-50 p-3 text-slate-700">
                  {describe(entry)}
                  {entry.reason && <span> · {entry.reason}</span>}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
    </div>
  );
}

function EntryRow({ entry, onDeleted }: { entry: TimeOff; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const id = useId();

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await doctors.DELETE("/api/v1/doctors/me/time-off/{entry_id}", { params: { path: { entry_id: entry.id! } } });
      onDeleted();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <li className="flex flex-col gap-2 rounded-lg border border-slate-300 bg-white p-3 sm:flex-row sm:items-center sm:justify-between">
      <div id={id}>
        <p className="font-medium text-slate-900">{describe(entry)}</p>
        {entry.reason && <p className="text-sm text-slate-700">{entry.reason}</p>}
        {error !== undefined && <p className="text-sm font-medium text-red-800">{plainMessage(error)}</p>}
      </div>
      {confirming ? (
        <div className="flex gap-2 self-start sm:self-auto">
          <Button variant="danger" busy={busy} onClick={() => void remove()} aria-describedby={id}>
            Yes, delete
          </Button>
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Keep
          </Button>
        </div>
      ) : (
        <Button variant="ghost" className="self-start sm:self-auto" onClick={() => setConfirming(true)} aria-describedby={id}>
          Delete
        </Button>
      )}
    </li>
  );
}

function MonthCalendar({
  year,
  month,
  entries,
  today,
  chosen,
  onPick,
}: {
  year: number;
  month: number;
  entries: TimeOff[];
  today: string;
  chosen: string;
  onPick: (date: string) => void;
}) {
  const weeks = monthGrid(year, month);
  const prefix = `${year}-${String(month).padStart(2, "0")}`;
  return (
    <table className="w-full table-fixed border-collapse">
      <caption className="sr-only">
        {formatMonth(year, month)}: your time off and custom hours. Choose a day to add an entry on it.
      </caption>
      <thead>
        <tr>
          {WEEK.map((day) => (
            <th key={day} scope="col" className="pb-1 text-center text-xs font-semibold text-slate-800 sm:text-sm">
              {day}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]}>
            {week.map((date) => {
              const inMonth = date.startsWith(prefix);
              const on = entries.filter((e) => covers(e, date));
              const away = on.find((e) => e.kind === "time_off");
              const custom = on.find((e) => e.kind === "custom_hours");
              const past = date < today;
              const [weekday, dayNumber, monthName, yearNumber] = formatDate(date).split(" ");
              const tone = away ? "bg-red-100 ring-red-700" : custom ? "bg-sky-100 ring-sky-700" : inMonth ? "bg-white ring-slate-200" : "bg-slate-50 ring-slate-200";
              // The name is the visible text plus words for screen readers: "Tue 8 Dec 2026: Time off (Holiday)".
              return (
                <td key={date} className="p-0.5 align-top">
                  <button
                    type="button"
                    onClick={() => onPick(date)}
                    aria-pressed={chosen === date}
                    className={`relative flex h-14 w-full flex-col items-start rounded-md p-1 text-left ring-1 sm:h-20 ${tone} ${chosen === date ? "outline outline-2 outline-brand-700" : ""}`}
                  >
                    <span className="sr-only">{weekday} </span>
                    <span className={`text-sm ${date === today ? "rounded-full bg-brand-700 px-1.5 font-bold text-white" : past || !inMonth ? "text-slate-700" : "font-semibold text-slate-900"}`}>
                      {dayNumber}
                    </span>
                    <span className="sr-only">
                      {" "}
                      {monthName} {yearNumber}
                      {date === today ? ", today" : ""}
                      {away || custom ? ":" : ""}
                    </span>
                    {away && (
                      <span className="mt-auto max-w-full truncate text-xs font-medium text-red-900">
                        <span className="sr-only"> </span>
                        <span className="sr-only sm:hidden">Time </span>
                        <span className="sm:hidden">Off</span>
                        <span className="hidden sm:inline">{hoursOf(away) ? "Off " : "Time off"}</span>
                        {hoursOf(away) && <span className="sr-only">{hoursOf(away)}</span>}
                        {hoursOf(away) && <span aria-hidden="true" className="hidden sm:inline">{shortHours(away)}</span>}
                        {away.reason && <span className="sr-only"> ({away.reason})</span>}
                      </span>
                    )}
                    {custom && (
                      <span className="mt-auto max-w-full truncate text-xs font-medium text-sky-900">
                        <span className="sr-only"> Custom hours {hoursOf(custom)}</span>
                        <span aria-hidden="true">{shortHours(custom)}</span>
                      </span>
                    )}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
