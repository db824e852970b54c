// Moving an appointment: the same doctor's free times by day; choose one, then confirm the move. The old
// time is given up only when the new one is booked (the service does both at once).
import { useEffect, useRef, useState } from "react";

import { appointments, ok } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Appointment, Doctor, Slot } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { formatTime, formatWithDoctorTime } from "../../lib/time";
import { groupSlotsByDay, slotKey } from "../Search/slotDays";
import { freeSlots } from "../Search/slotQuery";
import { Alert, Button, ErrorState, Loading } from "../ui";

export function ReschedulePanel({
  appointment,
  doctor,
  onClose,
  onMoved,
}: {
  appointment: Appointment;
  doctor?: Doctor;
  onClose: () => void;
  onMoved: (moved: Appointment) => void;
}) {
  const slots = useAsync(
    () => freeSlots({ doctor_id: appointment.doctor_id, appointment_type: appointment.appointment_type }, { limit: 40 }),
    [appointment.doctor_id, appointment.appointment_type],
  );
  const [chosen, setChosen] = useState<Slot | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [lost, setLost] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function move() {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    setLost(false);
    try {
      const moved = await ok(
        appointments.POST("/api/v1/appointments/{appointment_id}/reschedule", {
          params: { path: { appointment_id: appointment.id ?? "" } },
          body: { start: chosen.start, appointment_type: chosen.appointment_type, duration_minutes: chosen.duration_minutes },
        }),
      );
      onMoved(moved);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) {
        setLost(true);
        setChosen(null);
        void slots.reload();
      } else setError(failure);
      setBusy(false);
    }
  }

  const days = groupSlotsByDay(slots.data ?? []);
  const zone = doctor?.time_zone ?? "";
  return (
    <div className="mt-4 grid gap-3 rounded-lg border border-brand-600 bg-brand-50 p-4">
      <h4 ref={heading} tabIndex={-1} className="font-semibold text-slate-900">
        Choose a new time with {doctor?.full_name ?? "the same doctor"}
      </h4>
      {lost && (
        <Alert tone="warning">
          <p>Someone else just booked that time. Please choose another one; your appointment has not changed.</p>
        </Alert>
      )}
      {slots.error ? (
        <ErrorState error={slots.error} onRetry={() => void slots.reload()} />
      ) : !slots.data ? (
        <Loading label="Loading free times…" />
      ) : days.length === 0 ? (
        <p className="text-slate-800">This doctor has no other free time right now.</p>
      ) : (
        <fieldset className="grid max-h-96 gap-4 overflow-y-auto pr-1">
          <legend className="sr-only">Free times</legend>
          {days.map((day) => (
            <div key={day.key}>
              <p className="mb-2 text-sm font-semibold text-slate-800">{day.label}</p>
              <div className="flex flex-wrap gap-2">
                {day.slots.map((slot) => {
                  const selected = chosen !== null && slotKey(chosen) === slotKey(slot);
                  return (
                    <label
                      key={slotKey(slot)}
                      className={`inline-flex min-h-[44px] cursor-pointer items-center rounded-lg border px-3 py-2 font-semibold tabular-nums has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-700 ${
                        selected ? "border-brand-700 bg-brand-700 text-white" : "border-slate-400 bg-white text-slate-900 hover:bg-slate-100"
                      }`}
                    >
                      <input type="radio" name={`new-time-${appointment.id}`} className="sr-only" checked={selected} onChange={() => setChosen(slot)} />
                      {formatTime(slot.start)}
                      <span className="sr-only"> {day.label}</span>
                    </label>
                  );
                })}
              </div>
            </div>
          ))}
        </fieldset>
      )}
      {error !== undefined && <ErrorState error={error} />}
      <div className="flex flex-wrap gap-3">
        <Button disabled={!chosen} busy={busy} onClick={() => void move()}>
          {chosen ? `Move to ${formatWithDoctorTime(chosen.start, zone)}` : "Choose a time first"}
        </Button>
        <Button variant="secondary" disabled={busy} onClick={onClose}>
          Keep the current time
        </Button>
      </div>
    </div>
  );
}
