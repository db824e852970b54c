// The week drawn as seven columns: drag on a day to add working hours (snapped to the slot step).
// Pointer only, so it is hidden from assistive technology; the typed rows below do everything it does.
import { type PointerEvent, useRef, useState } from "react";

import {
  DAY_SHORT,
  type Draft,
  formatClock,
  MINUTES_PER_DAY,
  parseClock,
  readClock,
  snapDrawn,
  type Weekday,
  WEEKDAYS,
} from "./model";

const HOUR_PX = 36;
const MIN_DRAG_PX = 4;

interface Drag {
  day: Weekday;
  from: number;
  to: number;
  startY: number;
  moved: boolean;
}

/** The hours shown: at least 07:00–20:00, wider when some window lies outside. */
export function shownRange(draft: Draft): { first: number; last: number } {
  let first = 7 * 60;
  let last = 20 * 60;
  for (const day of WEEKDAYS) {
    for (const window of draft.weekly[day]) {
      const start = parseClock(readClock(window.start));
      const end = parseClock(readClock(window.end));
      if (start !== null) first = Math.min(first, Math.floor(start / 60) * 60);
      if (end !== null) last = Math.max(last, Math.ceil(end / 60) * 60);
    }
  }
  return { first: Math.max(0, first), last: Math.min(MINUTES_PER_DAY, last) };
}

export function WeekGrid({
  draft,
  step,
  onDraw,
}: {
  draft: Draft;
  step: number;
  onDraw: (day: Weekday, start: number, end: number) => void;
}) {
  const { first, last } = shownRange(draft);
  const height = ((last - first) / 60) * HOUR_PX;
  const [drag, setDrag] = useState<Drag | null>(null);
  const columns = useRef(new Map<Weekday, HTMLDivElement>());

  const minuteAt = (day: Weekday, clientY: number): number => {
    const box = columns.current.get(day)?.getBoundingClientRect();
    if (!box) return first;
    const ratio = Math.min(1, Math.max(0, (clientY - box.top) / box.height));
    return first + ratio * (last - first);
  };

  const down = (day: Weekday) => (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    const minute = minuteAt(day, event.clientY);
    setDrag({ day, from: minute, to: minute, startY: event.clientY, moved: false });
  };
  const move = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const moved = drag.moved || Math.abs(event.clientY - drag.startY) >= MIN_DRAG_PX;
    setDrag({ ...drag, to: minuteAt(drag.day, event.clientY), moved });
  };
  const up = () => {
    if (drag?.moved) {
      const { start, end } = snapDrawn(drag.from, drag.to, step);
      onDraw(drag.day, start, end);
    }
    setDrag(null);
  };

  const preview = drag?.moved ? snapDrawn(drag.from, drag.to, step) : null;
  const top = (minute: number) => ((minute - first) / 60) * HOUR_PX;
  const hours = Array.from({ length: (last - first) / 60 + 1 }, (_, i) => first + i * 60);

  return (
    <div aria-hidden="true" className="select-none">
      <div className="grid grid-cols-[2.25rem_repeat(7,minmax(0,1fr))] gap-x-1 sm:grid-cols-[3rem_repeat(7,minmax(0,1fr))]">
        <div />
        {WEEKDAYS.map((day) => (
          <div key={day} className="pb-1 text-center text-xs font-semibold text-slate-800 sm:text-sm">
            {DAY_SHORT[day]}
          </div>
        ))}
        <div className="relative" style={{ height }}>
          {hours.map((minute) => (
            <span
              key={minute}
              className="absolute right-1 -translate-y-1/2 text-[10px] text-slate-700 sm:text-xs"
              style={{ top: top(minute) }}
            >
              {formatClock(minute).slice(0, minute % 60 ? 5 : 2)}
            </span>
          ))}
        </div>
        {WEEKDAYS.map((day) => (
          <div
            key={day}
            data-day={day}
            ref={(node) => {
              if (node) columns.current.set(day, node);
              else columns.current.delete(day);
            }}
            className="relative cursor-crosshair touch-none rounded-md border border-slate-300 bg-white"
            style={{
              height,
              backgroundImage: `repeating-linear-gradient(to bottom, transparent 0, transparent ${HOUR_PX - 1}px, rgb(226 232 240) ${HOUR_PX - 1}px, rgb(226 232 240) ${HOUR_PX}px)`,
            }}
            onPointerDown={down(day)}
            onPointerMove={move}
            onPointerUp={up}
            onPointerCancel={() => setDrag(null)}
          >
            {draft.weekly[day].map((window) => {
              const start = parseClock(readClock(window.start));
              const end = parseClock(readClock(window.end));
              if (start === null || end === null || end <= start) return null;
              return (
                <div
                  key={window.key}
                  className="absolute inset-x-0.5 overflow-hidden rounded border border-brand-700 bg-brand-100 px-0.5 text-[10px] leading-tight text-brand-900 sm:px-1 sm:text-xs"
                  style={{ top: top(start), height: Math.max(2, top(end) - top(start)) }}
                >
                  <span className="hidden sm:inline">
                    {formatClock(start)}–{formatClock(end)}
                  </span>
                </div>
              );
            })}
            {preview && drag?.day === day && (
              <div
                className="absolute inset-x-0.5 rounded border-2 border-dashed border-brand-800 bg-brand-50/80 px-1 text-[10px] font-semibold text-brand-900 sm:text-xs"
                style={{ top: top(preview.start), height: top(preview.end) - top(preview.start) }}
              >
                {formatClock(preview.start)}–{formatClock(preview.end)}
              </div>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
