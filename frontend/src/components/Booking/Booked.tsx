// /booked/:id: "You're booked": who, when (the patient's time, and the doctor's when it differs), where,
// a calendar file, and the way to My appointments.
import { useRef, useEffect } from "react";
import { Link, useLocation, useParams } from "react-router-dom";

import { appointments, ok } from "../../api/client";
import type { Appointment } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { loadDoctor, loadSpecializations } from "../Search/directory";
import { Alert, ErrorState, Loading, Page } from "../ui";
import { BookingSummary } from "./BookingSummary";
import { calendarFile, calendarHref } from "./calendar";
import type { SlotSummary } from "./pendingHold";

interface BookedState {
  appointment?: Appointment;
  slot?: SlotSummary;
}

export function Booked() {
  const { id = "" } = useParams();
  const state = (useLocation().state ?? {}) as BookedState;
  const known = state.appointment?.id === id ? state.appointment : undefined;
  const appointment = useAsync(
    () => (known ? Promise.resolve(known) : ok(appointments.GET("/api/v1/appointments/{appointment_id}", { params: { path: { appointment_id: id } } }))),
    [id],
  );
  const doctorId = appointment.data?.doctor_id;
  const doctor = useAsync(() => (doctorId ? loadDoctor(doctorId) : Promise.resolve(undefined)), [doctorId]);
  const catalog = useAsync(loadSpecializations, []);
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const booked = appointment.data;
  const slot = state.slot?.doctor_id === booked?.doctor_id ? state.slot : undefined;
  const specialization = catalog.data?.find((s) => s.slug === booked?.specialization)?.name;
  const name = slot?.doctor_name || doctor.data?.full_name || "your doctor";
  const where = [slot?.clinic || doctor.data?.clinic, slot?.location || doctor.data?.location].filter(Boolean).join(", ");

  return (
    <Page title="You're booked">
      <div className="grid max-w-2xl gap-5" ref={heading} tabIndex={-1}>
        {appointment.error ? (
          <ErrorState error={appointment.error} onRetry={() => void appointment.reload()} />
        ) : !booked ? (
          <Loading />
        ) : (
          <>
            <Alert tone="success" title={`Your appointment with ${name} is booked.`}>
              <p>It is in My appointments, where you can move or cancel it.</p>
            </Alert>
            <BookingSummary
              booking={{
                ...(slot ?? {}),
                doctor_id: booked.doctor_id ?? "",
                doctor_name: slot?.doctor_name || doctor.data?.full_name,
                start: booked.start ?? slot?.start ?? "",
                duration_minutes: booked.duration_minutes,
                appointment_type: booked.appointment_type,
                doctor_time_zone: slot?.doctor_time_zone || doctor.data?.time_zone,
                reason: booked.reason,
              }}
              doctor={doctor.data}
              specializationName={specialization}
            />
            <div className="flex flex-col gap-3 sm:flex-row">
              <Link
                to="/appointments"
                className="inline-flex min-h-[44px] items-center justify-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800"
              >
                My appointments
              </Link>
              {booked.start && booked.end && (
                <a
                  href={calendarHref(
                    calendarFile({
                      id: booked.id ?? id,
                      start: booked.start,
                      end: booked.end,
                      title: `Appointment with ${name}`,
                      location: where,
                      description: [specialization, booked.reason].filter(Boolean).join("\n"),
                    }),
                  )}
                  download="hospital-appointment.ics"
                  className="inline-flex min-h-[44px] items-center justify-center rounded-lg border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-900 hover:bg-slate-100"
                >
                  Add to calendar
                </a>
              )}
              <Link to="/" className="inline-flex min-h-[44px] items-center justify-center px-4 py-2 font-semibold text-brand-800 underline">
                Book something else
              </Link>
            </div>
          </>
        )}
      </div>
    </Page>
  );
}
