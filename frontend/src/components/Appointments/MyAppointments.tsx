// /appointments: the patient's upcoming and past appointments. Upcoming ones can be cancelled (after a
// confirm step, with an optional reason) or moved to another free time of the same doctor.
import { useState } from "react";
import { Link } from "react-router-dom";

import { appointments, ok } from "../../api/client";
import type { Appointment } from "../../api/types";
import { type AsyncState, useAsync } from "../../hooks/useAsync";
import { formatWithDoctorTime } from "../../lib/time";
import { DoctorAvatar } from "../Search/DoctorAvatar";
import { loadDoctor, loadSpecializations } from "../Search/directory";
import { formatWhen } from "../Search/slotDays";
import { Alert, EmptyState, ErrorState, Loading, Page } from "../ui";
import { CancelPanel } from "./CancelPanel";
import { ReschedulePanel } from "./ReschedulePanel";

const STATUS: Record<string, { label: string; tone: string }> = {
  booked: { label: "Booked", tone: "bg-green-100 text-green-900" },
  held: { label: "Held, not confirmed", tone: "bg-amber-100 text-amber-900" },
  cancelled: { label: "Cancelled", tone: "bg-slate-200 text-slate-800" },
  completed: { label: "Completed", tone: "bg-sky-100 text-sky-900" },
  rescheduled: { label: "Moved to another time", tone: "bg-slate-200 text-slate-800" },
  expired: { label: "Hold ran out", tone: "bg-slate-200 text-slate-800" },
};

async function listOf(scope: "upcoming" | "past"): Promise<Appointment[]> {
  const page = await ok(appointments.GET("/api/v1/appointments", { params: { query: { scope, page_size: 100 } } }));
  // An expired hold was never an appointment, and a moved one lives on as its new time.
  const shown = page.items.filter((a) => a.status !== "expired" && !(scope === "upcoming" && a.status === "rescheduled"));
  return shown.sort((a, b) => (scope === "upcoming" ? 1 : -1) * (Date.parse(a.start ?? "") - Date.parse(b.start ?? "")));
}

function AppointmentCard({
  appointment,
  upcoming,
  onChanged,
}: {
  appointment: Appointment;
  upcoming: boolean;
  onChanged: (message: string) => void;
}) {
  const doctor = useAsync(() => loadDoctor(appointment.doctor_id ?? ""), [appointment.doctor_id]);
  const catalog = useAsync(loadSpecializations, []);
  const [open, setOpen] = useState<"cancel" | "reschedule" | null>(null);
  const status = STATUS[appointment.status ?? ""] ?? { label: appointment.status ?? "", tone: "bg-slate-200 text-slate-800" };
  const name = doctor.data?.full_name ?? (doctor.error ? "Doctor" : "…");
  const when = formatWhen(appointment.start ?? "", doctor.data?.time_zone ?? "");
  const specialization = catalog.data?.find((s) => s.slug === appointment.specialization)?.name;
  const changeable = upcoming && (appointment.status === "booked" || appointment.status === "held");
  const headingId = `appointment-${appointment.id}`;

  return (
    <li className="rounded-xl border border-slate-300 bg-white p-4 sm:p-5" data-testid="appointment" data-start={appointment.start} aria-labelledby={headingId}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 items-start gap-3">
          <DoctorAvatar name={name} photoUrl={doctor.data?.photo_url} size="md" />
          <div className="min-w-0">
            <h3 id={headingId} className="text-lg font-semibold text-slate-900">
              {when}
            </h3>
            <p className="font-medium text-slate-900">{name}</p>
            <p className="text-sm text-slate-700">
              {[specialization, appointment.duration_minutes ? `${appointment.duration_minutes} min` : "", [doctor.data?.clinic, doctor.data?.location].filter(Boolean).join(", ")]
                .filter(Boolean)
                .join(" · ")}
            </p>
            {appointment.reason && <p className="mt-1 text-sm text-slate-800">Reason: {appointment.reason}</p>}
            {appointment.status === "cancelled" && appointment.cancel_reason && (
              <p className="mt-1 text-sm text-slate-800">Why cancelled: {appointment.cancel_reason}</p>
            )}
          </div>
        </div>
        <span className={`rounded-full px-3 py-1 text-sm font-semibold ${status.tone}`}>{status.label}</span>
      </div>
      {changeable && open === null && (
        <div className="mt-4 flex flex-wrap gap-3">
          {appointment.status === "booked" && (
            <button
              type="button"
              className="min-h-[44px] rounded-lg border border-slate-300 px-4 py-2 font-semibold text-slate-900 hover:bg-slate-100"
              onClick={() => setOpen("reschedule")}
            >
              Reschedule<span className="sr-only"> the appointment of {when}</span>
            </button>
          )}
          <button
            type="button"
            className="min-h-[44px] rounded-lg border border-red-300 px-4 py-2 font-semibold text-red-800 hover:bg-red-50"
            onClick={() => setOpen("cancel")}
          >
            Cancel<span className="sr-only"> the appointment of {when}</span>
          </button>
        </div>
      )}
      {open === "cancel" && (
        <CancelPanel
          appointment={appointment}
          when={when}
          doctorName={name}
          onClose={() => setOpen(null)}
          onCancelled={() => onChanged(`Your appointment of ${when} is cancelled. The time is free for others again.`)}
        />
      )}
      {open === "reschedule" && (
        <ReschedulePanel
          appointment={appointment}
          doctor={doctor.data}
          onClose={() => setOpen(null)}
          onMoved={(moved) => onChanged(`Your appointment is moved to ${formatWithDoctorTime(moved.start ?? "", doctor.data?.time_zone ?? "")}.`)}
        />
      )}
    </li>
  );
}

function AppointmentList({ title, state, upcoming, onChanged }: { title: string; state: AsyncState<Appointment[]>; upcoming: boolean; onChanged: (message: string) => void }) {
  return (
    <section aria-labelledby={`${title}-heading`}>
      <h2 id={`${title}-heading`} className="mb-3 text-xl font-semibold text-slate-900">
        {title}
      </h2>
      {state.error ? (
        <ErrorState error={state.error} onRetry={() => void state.reload()} />
      ) : !state.data ? (
        <Loading />
      ) : state.data.length === 0 ? (
        <p className="text-slate-700">{upcoming ? "Nothing coming up." : "No past appointments."}</p>
      ) : (
        <ul className="grid gap-3">
          {state.data.map((appointment) => (
            <AppointmentCard key={appointment.id} appointment={appointment} upcoming={upcoming} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function MyAppointments() {
  const upcoming = useAsync(() => listOf("upcoming"), []);
  const past = useAsync(() => listOf("past"), []);
  const [message, setMessage] = useState<string | null>(null);

  function changed(text: string) {
    setMessage(text);
    void upcoming.reload();
    void past.reload();
  }

  const nothing = upcoming.data?.length === 0 && past.data?.length === 0;
  return (
    <Page
      title="My appointments"
      intro="Times are shown in your time zone."
      actions={
        <Link to="/" className="inline-flex min-h-[44px] items-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
          Book an appointment
        </Link>
      }
    >
      <div className="grid gap-8">
        {message && (
          <Alert tone="success">
            <p>{message}</p>
          </Alert>
        )}
        {nothing ? (
          <EmptyState title="No appointments yet">
            <Link to="/" className="font-semibold text-brand-800 underline">
              Book one
            </Link>{" "}
            — the next free time is a click away.
          </EmptyState>
        ) : (
          <>
            <AppointmentList title="Upcoming" state={upcoming} upcoming onChanged={changed} />
            <AppointmentList title="Past" state={past} upcoming={false} onChanged={changed} />
          </>
        )}
      </div>
    </Page>
  );
}
