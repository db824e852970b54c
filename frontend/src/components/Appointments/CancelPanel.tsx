// The confirm step of a cancellation: what is cancelled, an optional reason, and a clear "yes" or "keep it".
import { type FormEvent, useEffect, useRef, useState } from "react";

import { appointments, ok } from "../../api/client";
import type { Appointment } from "../../api/types";
import { Button, ErrorState } from "../ui";
import { TextAreaField } from "../ui/TextAreaField";

export function CancelPanel({
  appointment,
  when,
  doctorName,
  onClose,
  onCancelled,
}: {
  appointment: Appointment;
  when: string;
  doctorName: string;
  onClose: () => void;
  onCancelled: () => void;
}) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function cancel(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await ok(
        appointments.POST("/api/v1/appointments/{appointment_id}/cancel", {
          params: { path: { appointment_id: appointment.id ?? "" } },
          body: { reason: reason.trim() },
        }),
      );
      onCancelled();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <form className="mt-4 grid gap-3 rounded-lg border border-red-300 bg-red-50 p-4" onSubmit={(event) => void cancel(event)}>
      <h4 ref={heading} tabIndex={-1} className="font-semibold text-red-900">
        Cancel the appointment with {doctorName} on {when}?
      </h4>
      <TextAreaField label="Reason (optional)" hint="The doctor sees it." value={reason} maxLength={500} rows={2} onChange={(e) => setReason(e.target.value)} />
      {error !== undefined && <ErrorState error={error} />}
      <div className="flex flex-wrap gap-3">
        <Button type="submit" variant="danger" busy={busy}>
          Yes, cancel it
        </Button>
        <Button variant="secondary" disabled={busy} onClick={onClose}>
          Keep it
        </Button>
      </div>
    </form>
  );
}
