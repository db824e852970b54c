// What is being booked, in the words a patient checks: who, when (their time and the doctor's), how long, where.
import type { Doctor } from "../../api/types";
import { DoctorAvatar } from "../Search/DoctorAvatar";
import { languageName } from "../Search/directory";
import { formatWhen } from "../Search/slotDays";

export interface Booked {
  doctor_id: string;
  doctor_name?: string;
  start: string;
  duration_minutes?: number;
  appointment_type?: string;
  appointment_type_name?: string;
  doctor_time_zone?: string;
  clinic?: string;
  location?: string;
  languages?: string[];
  specialization?: string | null;
  reason?: string;
}

export function BookingSummary({ booking, doctor, specializationName }: { booking: Booked; doctor?: Doctor; specializationName?: string }) {
  const name = booking.doctor_name || doctor?.full_name || "Your doctor";
  const zone = booking.doctor_time_zone || doctor?.time_zone || "";
  const place = [booking.clinic || doctor?.clinic, booking.location || doctor?.location].filter(Boolean).join(", ");
  const languages = booking.languages ?? doctor?.languages ?? [];
  const type = booking.appointment_type_name || booking.appointment_type;
  return (
    <div className="rounded-xl border border-slate-300 bg-white p-5" data-testid="booking-summary">
      <div className="flex items-start gap-4">
        <DoctorAvatar name={name} photoUrl={doctor?.photo_url} size="lg" />
        <div className="min-w-0">
          <p className="text-lg font-semibold text-slate-900">{name}</p>
          {specializationName && <p className="text-slate-700">{specializationName}</p>}
          {languages.length > 0 && <p className="text-sm text-slate-700">Speaks {languages.map(languageName).join(", ")}</p>}
        </div>
      </div>
      <dl className="mt-4 grid gap-x-6 sm:grid-cols-[max-content_1fr] sm:gap-y-3">
        <dt className="font-medium text-slate-700">When</dt>
        <dd className="mb-3 text-lg font-semibold text-slate-900 sm:mb-0" data-testid="booking-when">
          {formatWhen(booking.start, zone)}
        </dd>
        {(booking.duration_minutes || type) && (
          <>
            <dt className="font-medium text-slate-700">Appointment</dt>
            <dd className="mb-3 text-slate-900 sm:mb-0">{[booking.duration_minutes ? `${booking.duration_minutes} minutes` : "", type].filter(Boolean).join(", ")}</dd>
          </>
        )}
        {place && (
          <>
            <dt className="font-medium text-slate-700">Where</dt>
            <dd className="mb-3 text-slate-900 sm:mb-0">{place}</dd>
          </>
        )}
        {booking.reason && (
          <>
            <dt className="font-medium text-slate-700">Reason</dt>
            <dd className="whitespace-pre-line text-slate-900">{booking.reason}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
