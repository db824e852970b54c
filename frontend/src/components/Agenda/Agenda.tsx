// Today's and the coming week's appointments, with each patient's name and reason; refreshed every minute.
import { appointments, doctors, ok } from "../../api/client";
import type { Appointment, Doctor } from "../../api/types";
import { useAsync, useInterval } from "../../hooks/useAsync";
import { cityOf, differsIn, formatDay, formatTime } from "../../lib/time";
import { Button, EmptyState, ErrorState, Loading } from "../ui";
import { agendaDays, distinctPatients, isActive, weekRange } from "./agenda";
import { type PatientName, usePatientNames } from "./usePatientNames";

const STATUS: Record<string, { label: string; className: string }> = {
  held: { label: "Being booked", className: "bg-amber-100 text-amber-900" },
  booked: { label: "Booked", className: "bg-brand-50 text-brand-900" },
  completed: { label: "Completed", className: "bg-slate-100 text-slate-800" },
  cancelled: { label: "Cancelled", className: "bg-red-50 text-red-900" },
};

async function loadAgenda(): Promise<{ items: Appointment[]; total: number; loadedAt: Date }> {
  const now = new Date();
  const { from, to } = weekRange(now);
  const page = await ok(
    appointments.GET("/api/v1/appointments", {
      params: { query: { scope: "all", from: from.toISOString(), to: to.toISOString(), page_size: 100 } },
    }),
  );
  return { items: page.items, total: page.total, loadedAt: now };
}

export function Agenda() {
  const agenda = useAsync(loadAgenda, []);
  const me = useAsync(() => ok(doctors.GET("/api/v1/doctors/me")), []);
  useInterval(() => void agenda.reload(), 60_000);
  const names = usePatientNames(distinctPatients(agenda.data?.items ?? []));

  if (agenda.error !== undefined && !agenda.data) return <ErrorState error={agenda.error} onRetry={() => void agenda.reload()} />;
  if (!agenda.data) return <Loading label="Loading your agenda…" />;

  const { items, total, loadedAt } = agenda.data;
  const { today, later } = agendaDays(items, loadedAt);
  const activeToday = today.filter(isActive);
  const doctorZone = (me.data as Doctor | undefined)?.time_zone ?? "";

  return (
    <div className="flex flex-col gap-8">
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700">
        <p aria-live="polite">
          Updated at {formatTime(loadedAt.toISOString())}; refreshes every minute.
          {agenda.error !== undefined && <span className="ml-1 font-medium text-red-800">The last refresh failed; showing what we had.</span>}
        </p>
        <Button variant="secondary" busy={agenda.loading} onClick={() => void agenda.reload()}>
          Refresh now
        </Button>
      </div>

      <section aria-labelledby="today">
        <h2 id="today" className="mb-3 text-xl font-semibold text-slate-900">
          Today, {formatDay(loadedAt.toISOString())}
          <span className="ml-2 text-base font-normal text-slate-700">
            {activeToday.length === 1 ? "1 appointment" : `${activeToday.length} appointments`}
          </span>
        </h2>
        {today.length === 0 ? (
          <EmptyState title="No appointments today">New bookings appear here within a minute.</EmptyState>
        ) : (
          <AppointmentList items={today} names={names} doctorZone={doctorZone} />
        )}
      </section>

      <section aria-labelledby="week">
        <h2 id="week" className="mb-3 text-xl font-semibold text-slate-900">
          This week
        </h2>
        {later.length === 0 ? (
          <EmptyState title="No other appointments in the next 7 days" />
        ) : (
          <div className="flex flex-col gap-6">
            {later.map((day) => (
              <section key={day.key} aria-labelledby={`day-${day.key}`}>
                <h3 id={`day-${day.key}`} className="mb-2 font-semibold text-slate-800">
                  {formatDay(day.appointments[0]!.start!)}
                </h3>
                <AppointmentList items={day.appointments} names={names} doctorZone={doctorZone} />
              </section>
            ))}
          </div>
        )}
        {total > items.length && (
          <p className="mt-3 text-sm text-slate-700">Showing the first {items.length} of {total} appointments.</p>
        )}
      </section>
    </div>
  );
}

function patientLabel(name: PatientName | undefined): string {
  return name?.state === "known" ? name.name : "Patient";
}

function AppointmentList({ items, names, doctorZone }: { items: Appointment[]; names: Map<string, PatientName>; doctorZone: string }) {
  return (
    <ul className="flex flex-col gap-2">
      {items.map((appointment) => {
        const status = STATUS[appointment.status ?? ""] ?? { label: appointment.status ?? "", className: "bg-slate-100 text-slate-800" };
        const name = names.get(appointment.patient_id ?? "");
        const cancelled = appointment.status === "cancelled";
        const start = appointment.start!;
        const localDiffers = doctorZone && differsIn(start, Intl.DateTimeFormat().resolvedOptions().timeZone, doctorZone);
        return (
          <li
            key={appointment.id}
            className={`flex flex-col gap-1 rounded-xl border bg-white p-4 sm:flex-row sm:items-center sm:gap-6 ${cancelled ? "border-slate-200 opacity-80" : "border-slate-300"}`}
          >
            <p className={`min-w-[8rem] text-lg font-semibold tabular-nums text-slate-900 ${cancelled ? "line-through" : ""}`}>
              {formatTime(start)}–{formatTime(appointment.end ?? start)}
              {localDiffers && (
                <span className="block text-sm font-normal text-slate-700 no-underline">
                  {formatTime(start, doctorZone)} {cityOf(doctorZone)} time
                </span>
              )}
            </p>
            <div className="flex-1">
              <p className="font-semibold text-slate-900" aria-busy={name?.state === "loading" || undefined}>
                {patientLabel(name)}
              </p>
              <p className="text-slate-700">{appointment.reason?.trim() || "No reason given"}</p>
            </div>
            <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
              {appointment.duration_minutes ? `${appointment.duration_minutes} min` : ""}
              <span className={`rounded-full px-2 py-0.5 text-sm font-medium ${status.className}`}>{status.label}</span>
            </p>
          </li>
        );
      })}
    </ul>
  );
}
