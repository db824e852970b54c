// Said kindly when someone else was quicker: the slot is gone, here is the next one, one click takes it.
import { type ReactNode, useEffect, useRef } from "react";

import type { Slot } from "../../api/types";
import { formatDayTime, formatWithDoctorTime } from "../../lib/time";
import { Button } from "../ui";
import type { SlotSummary } from "./pendingHold";

export function SlotTaken({
  taken,
  next,
  busy,
  onTake,
  takeLabel = "Book this time instead",
  children,
}: {
  taken: SlotSummary;
  next: Slot | null;
  busy?: boolean;
  onTake: (slot: Slot) => void;
  takeLabel?: string;
  children?: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [taken.start, taken.doctor_id]);
  return (
    <div ref={box} tabIndex={-1} role="status" className="rounded-xl border border-amber-400 bg-amber-50 p-5 text-amber-950" data-testid="slot-taken">
      <h2 className="text-lg font-semibold">Someone else just booked that time</h2>
      <p className="mt-1">
        Sorry, {formatDayTime(taken.start)} with {taken.doctor_name} was taken a moment ago. This happens when
        many people book at once; nothing was booked for you.
      </p>
      {next ? (
        <div className="mt-4 rounded-lg border border-amber-300 bg-white p-4 text-slate-900">
          <p className="text-sm font-medium text-slate-700">The next free time</p>
          <p className="mt-1 text-lg font-bold">{formatWithDoctorTime(next.start, next.doctor_time_zone)}</p>
          <p className="text-slate-800">
            {next.doctor_name}
            {next.clinic ? `, ${next.clinic}` : ""}
            {next.location ? ` (${next.location})` : ""}
          </p>
          <Button className="mt-3 w-full sm:w-auto" busy={busy} onClick={() => onTake(next)} data-testid="book-offered-slot">
            {takeLabel}
          </Button>
        </div>
      ) : (
        <p className="mt-3">There is no other free time for this search right now. Try fewer filters, or check again later.</p>
      )}
      {children}
    </div>
  );
}
