// /find: the next free slot at once, as a large card with one "Book" button; then more free times by day,
// filterable by doctor, time of day, appointment type and language. The lists refresh every 20 seconds
// while the page is visible and whenever the window gets focus, so a slot someone took disappears soon.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { ApiError, plainMessage } from "../../api/problem";
import type { Doctor, Slot } from "../../api/types";
import { useAsync, useInterval } from "../../hooks/useAsync";
import { cityOf, differsIn, formatDay, formatTime, viewerTimeZone } from "../../lib/time";
import { SlotTaken } from "../Booking/SlotTaken";
import { type BookSlot, useBookSlot } from "../Booking/useBookSlot";
import { Button, EmptyState, ErrorState, Loading, Page, SelectField } from "../ui";
import { DoctorAvatar } from "./DoctorAvatar";
import { doctorsOf, languageName, loadDoctor, loadSpecializations } from "./directory";
import { groupSlotsByDay, plainReason, relativeDay, slotKey } from "./slotDays";
import { freeSlots, nextSlot, paramsFromQuery, queryFromParams, type SlotQuery, TIMES_OF_DAY } from "./slotQuery";

export const REFRESH_MS = 20_000;

/** The finder refused the search itself (a filter no doctor offers): say so calmly, it is no failure. */
function refused(error: unknown): boolean {
  return error instanceof ApiError && error.status === 422;
}

/** Call `refresh` every `ms` while the page is visible, and when the window gets focus or becomes visible. */
function useLiveRefresh(refresh: () => void, ms = REFRESH_MS): void {
  useInterval(refresh, ms);
  const saved = useRef(refresh);
  saved.current = refresh;
  useEffect(() => {
    const onFocus = () => saved.current();
    const onVisible = () => document.visibilityState === "visible" && saved.current();
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);
}

function doctorTimeNote(slot: Slot): string | null {
  if (!slot.doctor_time_zone || !differsIn(slot.start, viewerTimeZone(), slot.doctor_time_zone)) return null;
  return `${formatTime(slot.start, slot.doctor_time_zone)} in ${cityOf(slot.doctor_time_zone)}`;
}

function reasonOf(slot: Slot, subject?: { slug?: string; name?: string }): string {
  let reason = slot.rank_reason ?? "";
  if (subject?.slug && subject.name) reason = reason.split(subject.slug).join(subject.name.toLowerCase());
  return plainReason(reason);
}

function slotDetails(slot: Slot): string {
  const type = slot.appointment_type_name || slot.appointment_type;
  return [`${slot.duration_minutes} min`, type].filter(Boolean).join(" · ");
}

function languagesOf(slot: Slot): string {
  return (slot.languages ?? []).map(languageName).join(", ");
}

function BookLabel({ slot, text = "Book" }: { slot: Slot; text?: string }) {
  return (
    <>
      {text}
      <span className="sr-only">
        {" "}
        {formatDay(slot.start)} {formatTime(slot.start)} with {slot.doctor_name}
      </span>
    </>
  );
}

function NextSlotCard({ slot, doctor, subject, booking }: { slot: Slot; doctor?: Doctor; subject?: { slug?: string; name?: string }; booking: BookSlot }) {
  useEffect(() => {
    // The browser tests read this mark: milliseconds from navigation to the first slot on screen.
    if (performance.getEntriesByName("first-slot-shown").length === 0) performance.mark("first-slot-shown");
  }, []);
  const note = doctorTimeNote(slot);
  const place = [slot.clinic, slot.location].filter(Boolean).join(", ");
  return (
    <section
      aria-labelledby="next-slot-heading"
      data-testid="next-slot"
      data-start={slot.start}
      data-doctor-id={slot.doctor_id}
      className="rounded-2xl border-2 border-brand-700 bg-white p-5 shadow-sm sm:p-6"
    >
      <h2 id="next-slot-heading" className="text-sm font-bold uppercase tracking-wide text-brand-800">
        Next available
      </h2>
      <p className="mt-2 text-2xl font-bold text-slate-900 sm:text-3xl">
        {[relativeDay(slot.start), formatDay(slot.start), formatTime(slot.start)].filter(Boolean).join(", ")}
      </p>
      {note && <p className="text-slate-700">({note}, where the doctor is)</p>}
      <div className="mt-4 flex items-start gap-4">
        <DoctorAvatar name={slot.doctor_name} photoUrl={doctor?.photo_url} size="lg" />
        <div className="min-w-0">
          <p className="text-lg font-semibold text-slate-900">{slot.doctor_name}</p>
          <p className="text-slate-700">{slotDetails(slot)}</p>
          {place && <p className="text-slate-700">{place}</p>}
          {slot.languages && slot.languages.length > 0 && <p className="text-slate-700">Speaks {languagesOf(slot)}</p>}
        </div>
      </div>
      <p className="mt-4 rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-800">
        <span className="font-semibold">Why this time: </span>
        {reasonOf(slot, subject)}
      </p>
      <Button
        className="mt-4 w-full px-8 text-lg sm:w-auto"
        busy={booking.busy === slotKey(slot)}
        disabled={booking.busy !== null}
        onClick={() => void booking.book(slot)}
        data-testid="book-next-slot"
      >
        <BookLabel slot={slot} />
      </Button>
    </section>
  );
}

/** One day's slots, one entry per doctor in the order of their first slot (the finder's order). */
function byDoctor(slots: Slot[]): Slot[][] {
  const groups = new Map<string, Slot[]>();
  for (const slot of slots) {
    const group = groups.get(slot.doctor_id);
    if (group) group.push(slot);
    else groups.set(slot.doctor_id, [slot]);
  }
  return [...groups.values()];
}

const CHIPS_SHOWN = 12;

function DoctorDay({ slots, doctor, subject, booking }: { slots: Slot[]; doctor?: Doctor; subject?: { slug?: string; name?: string }; booking: BookSlot }) {
  const [all, setAll] = useState(false);
  const first = slots[0]!;
  const note = doctorTimeNote(first);
  const place = [first.clinic, first.location].filter(Boolean).join(", ");
  const shown = all ? slots : slots.slice(0, CHIPS_SHOWN);
  return (
    <li className="rounded-xl border border-slate-300 bg-white p-4" data-testid="doctor-day">
      <div className="flex items-start gap-3">
        <DoctorAvatar name={first.doctor_name} photoUrl={doctor?.photo_url} size="md" />
        <div className="min-w-0">
          <p className="font-semibold text-slate-900">{first.doctor_name}</p>
          <p className="text-sm text-slate-700">{[place, languagesOf(first)].filter(Boolean).join(" · ")}</p>
          <p className="text-sm text-slate-700">{slotDetails(first)}</p>
          <p className="mt-1 text-sm text-slate-800">{reasonOf(first, subject)}</p>
          {note && <p className="mt-1 text-sm text-slate-700">The doctor's clock differs: {formatTime(first.start)} here is {note}.</p>}
        </div>
      </div>
      <ul className="mt-3 flex flex-wrap gap-2" aria-label={`Free times with ${first.doctor_name}`}>
        {shown.map((slot) => (
          <li key={slotKey(slot)} data-testid="slot" data-start={slot.start} data-doctor-id={slot.doctor_id}>
            <button
              type="button"
              className="min-h-[44px] min-w-[4.5rem] rounded-lg border border-brand-700 bg-white px-3 py-2 font-semibold tabular-nums text-brand-900 hover:bg-brand-50 disabled:cursor-not-allowed disabled:border-slate-300 disabled:text-slate-500"
              disabled={booking.busy !== null}
              aria-busy={booking.busy === slotKey(slot) || undefined}
              onClick={() => void booking.book(slot)}
            >
              {formatTime(slot.start)}
              <span className="sr-only">
                {" "}
                Book {formatDay(slot.start)} with {slot.doctor_name}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {slots.length > CHIPS_SHOWN && (
        <button type="button" className="mt-2 text-sm font-semibold text-brand-800 underline" onClick={() => setAll(!all)}>
          {all ? "Show fewer times" : `Show all ${slots.length} times`}
        </button>
      )}
    </li>
  );
}

interface TypeOption {
  code: string;
  label: string;
}

function Filters({
  query,
  onChange,
  doctors,
  types,
  lengths,
  languages,
}: {
  query: SlotQuery;
  onChange: (change: Partial<SlotQuery>) => void;
  doctors: Doctor[];
  types: TypeOption[];
  lengths: number[];
  languages: string[];
}) {
  const filtered = !!(
    query.time_of_day || query.appointment_type || query.duration_minutes || query.language || (query.specialization && query.doctor_id)
  );
  return (
    <form aria-label="Filter the free times" className="rounded-xl border border-slate-300 bg-white p-4" onSubmit={(e) => e.preventDefault()}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <fieldset className="sm:col-span-2 lg:col-span-4">
          <legend className="mb-1 text-sm font-medium text-slate-800">Time of day (the doctor's local time)</legend>
          <div className="flex flex-wrap gap-2">
            {[{ value: undefined, label: "Any time", hint: "" }, ...TIMES_OF_DAY].map((option) => {
              const chosen = query.time_of_day === option.value;
              return (
                <label
                  key={option.label}
                  className={`inline-flex min-h-[44px] cursor-pointer items-center gap-2 rounded-full border px-4 py-2 text-sm font-medium has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-700 ${
                    chosen ? "border-brand-700 bg-brand-700 text-white" : "border-slate-400 bg-white text-slate-900 hover:bg-slate-100"
                  }`}
                >
                  <input
                    type="radio"
                    name="time_of_day"
                    className="sr-only"
                    checked={chosen}
                    onChange={() => onChange({ time_of_day: option.value })}
                  />
                  {option.label}
                  {option.hint && <span className={chosen ? "text-white" : "text-slate-700"}>({option.hint})</span>}
                </label>
              );
            })}
          </div>
        </fieldset>
        {query.specialization && doctors.length > 1 && (
          <SelectField label="Doctor" value={query.doctor_id ?? ""} onChange={(e) => onChange({ doctor_id: e.target.value || undefined })}>
            <option value="">Any doctor</option>
            {doctors.map((doctor) => (
              <option key={doctor.id} value={doctor.id}>
                {doctor.full_name}
              </option>
            ))}
          </SelectField>
        )}
        {types.length > 1 && (
          <SelectField
            label="Appointment type"
            value={query.appointment_type ?? ""}
            onChange={(e) => onChange({ appointment_type: e.target.value || undefined })}
          >
            <option value="">Any type</option>
            {types.map((type) => (
              <option key={type.code} value={type.code}>
                {type.label}
              </option>
            ))}
          </SelectField>
        )}
        {(lengths.length > 1 || !!query.duration_minutes) && (
          <SelectField
            label="Length"
            value={query.duration_minutes ? String(query.duration_minutes) : ""}
            onChange={(e) => onChange({ duration_minutes: e.target.value ? Number(e.target.value) : undefined })}
          >
            <option value="">Any length</option>
            {lengths.map((minutes) => (
              <option key={minutes} value={minutes}>
                {minutes} minutes
              </option>
            ))}
          </SelectField>
        )}
        {languages.length > 1 && (
          <SelectField label="Language" value={query.language ?? ""} onChange={(e) => onChange({ language: e.target.value || undefined })}>
            <option value="">Any language</option>
            {languages.map((code) => (
              <option key={code} value={code}>
                {languageName(code)}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      {filtered && (
        <button
          type="button"
          className="mt-3 text-sm font-semibold text-brand-800 underline"
          onClick={() =>
            onChange({
              time_of_day: undefined,
              appointment_type: undefined,
              duration_minutes: undefined,
              language: undefined,
              doctor_id: query.specialization ? undefined : query.doctor_id,
            })
          }
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

export function FindSlots() {
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => queryFromParams(params), [params]);
  const searchKey = paramsFromQuery(query).toString();
  const [from, setFrom] = useState<string | undefined>();
  useEffect(() => setFrom(undefined), [searchKey]);

  const catalog = useAsync(loadSpecializations, []);
  const subject = catalog.data?.find((s) => s.slug === query.specialization);
  const staff = useAsync(
    () =>
      query.specialization
        ? doctorsOf(query.specialization)
        : query.doctor_id
          ? loadDoctor(query.doctor_id).then((doctor) => [doctor])
          : Promise.resolve([] as Doctor[]),
    [query.specialization, query.specialization ? "" : query.doctor_id],
  );
  const next = useAsync(() => nextSlot(query), [searchKey]);
  const list = useAsync(() => freeSlots(query, { from }), [searchKey, from]);
  const { reload: reloadNext } = next;
  const { reload: reloadList } = list;
  const refresh = useCallback(() => {
    void reloadNext();
    void reloadList();
  }, [reloadNext, reloadList]);
  useLiveRefresh(refresh);
  const booking = useBookSlot(query, { onTaken: refresh });

  const doctorsById = useMemo(() => new Map((staff.data ?? []).map((d) => [d.id ?? "", d])), [staff.data]);
  const theDoctor = !query.specialization && query.doctor_id ? doctorsById.get(query.doctor_id) : undefined;

  // Types and languages seen so far stay offered while a filter narrows the list.
  const seenTypes = useRef(new Map<string, TypeOption>());
  const seenLengths = useRef(new Set<number>());
  useEffect(() => {
    seenTypes.current.clear();
    seenLengths.current.clear();
  }, [query.specialization, query.doctor_id]);
  for (const slot of [...(list.data ?? []), ...(next.data ? [next.data] : [])]) {
    seenTypes.current.set(slot.appointment_type, {
      code: slot.appointment_type,
      label: `${slot.appointment_type_name || slot.appointment_type} (${slot.duration_minutes} min)`,
    });
    seenLengths.current.add(slot.duration_minutes);
  }
  if (query.duration_minutes) seenLengths.current.add(query.duration_minutes);
  const types = [...seenTypes.current.values()].sort((a, b) => a.label.localeCompare(b.label));
  const lengths = [...seenLengths.current].sort((a, b) => a - b);
  const languages = [...new Set((staff.data ?? []).flatMap((d) => d.languages ?? []))].sort();

  function change(update: Partial<SlotQuery>) {
    booking.dismiss();
    setParams(paramsFromQuery({ ...query, ...update }), { replace: true });
  }

  const title = subject?.name ?? theDoctor?.full_name ?? (query.specialization || query.doctor_id ? "Free appointments" : "Find an appointment");
  const nextSlotShown = next.data ?? null;
  const more = (list.data ?? []).filter((slot) => !nextSlotShown || slotKey(slot) !== slotKey(nextSlotShown));
  const days = groupSlotsByDay(more);
  const last = list.data?.[list.data.length - 1];
  const unknownSpecialty = !!query.specialization && !!catalog.data && !subject;

  if (!query.specialization && !query.doctor_id) {
    return (
      <Page title="Find an appointment">
        <EmptyState title="Choose what you need first">
          <Link to="/" className="font-semibold text-brand-800 underline">
            Choose a specialty
          </Link>
        </EmptyState>
      </Page>
    );
  }

  return (
    <Page
      title={title}
      intro={
        <>
          The earliest free appointment comes first. Times are in your time zone ({cityOf(viewerTimeZone())}).{" "}
          <Link to="/" className="font-semibold text-brand-800 underline">
            Choose something else
          </Link>
        </>
      }
    >
      <div className="grid gap-6">
        {unknownSpecialty && (
          <EmptyState title="We don't know that specialty">
            <Link to="/" className="font-semibold text-brand-800 underline">
              Choose from the list
            </Link>
          </EmptyState>
        )}
        {booking.taken && (
          <SlotTaken taken={booking.taken.slot} next={booking.taken.next} busy={booking.busy !== null} onTake={(slot) => void booking.book(slot)} />
        )}
        {booking.error !== undefined && <ErrorState error={booking.error} />}
        {next.error && refused(next.error) ? (
          <EmptyState title="Nothing fits these filters">
            {plainMessage(next.error)} Try another choice, or clear the filters.
          </EmptyState>
        ) : next.error ? (
          <ErrorState error={next.error} onRetry={refresh} />
        ) : next.loading && next.data === undefined ? (
          <Loading label="Finding the next free time…" />
        ) : nextSlotShown ? (
          <NextSlotCard slot={nextSlotShown} doctor={doctorsById.get(nextSlotShown.doctor_id)} subject={subject} booking={booking} />
        ) : (
          !unknownSpecialty && (
            <EmptyState title="No free time right now">
              {query.time_of_day || query.appointment_type || query.duration_minutes || query.language
                ? "Nothing is free with these filters. Try fewer of them."
                : "Every appointment in the booking window is taken. Please check again later, or choose another specialty."}
            </EmptyState>
          )
        )}
        <Filters query={query} onChange={change} doctors={staff.data ?? []} types={types} lengths={lengths} languages={languages} />
        <section aria-labelledby="more-heading">
          <h2 id="more-heading" className="mb-3 text-xl font-semibold text-slate-900">
            More free times
          </h2>
          {list.error && refused(list.error) ? (
            <p className="text-slate-700">No free times with these filters.</p>
          ) : list.error ? (
            <ErrorState error={list.error} onRetry={refresh} />
          ) : list.data === undefined ? (
            <Loading label="Loading more times…" />
          ) : days.length === 0 ? (
            <p className="text-slate-700">No other free times {from ? "later than these" : "for this search"}.</p>
          ) : (
            <div className="grid gap-6">
              {days.map((day) => (
                <section key={day.key} aria-labelledby={`day-${day.key}`}>
                  <h3 id={`day-${day.key}`} className="mb-2 font-semibold text-slate-900">
                    {day.label}
                  </h3>
                  <ul className="grid gap-3">
                    {byDoctor(day.slots).map((slots) => (
                      <DoctorDay key={slots[0]!.doctor_id} slots={slots} doctor={doctorsById.get(slots[0]!.doctor_id)} subject={subject} booking={booking} />
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          )}
          <div className="mt-4 flex flex-wrap gap-3">
            {from && (
              <Button variant="secondary" onClick={() => setFrom(undefined)}>
                Back to the earliest times
              </Button>
            )}
            {last && (list.data?.length ?? 0) >= 60 && (
              <Button variant="secondary" onClick={() => setFrom(new Date(Date.parse(last.start) + 60_000).toISOString())}>
                Show later times
              </Button>
            )}
          </div>
        </section>
      </div>
    </Page>
  );
}
