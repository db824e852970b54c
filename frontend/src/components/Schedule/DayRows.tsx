// The week typed: one row per day with its windows (from – to), add/remove, select, and "Copy to…".
import { useId, useState } from "react";

import { Button } from "../ui";
import { DAY_NAME, DAY_SHORT, type DraftErrors, type DraftWindow, readClock, type Weekday, WEEKDAYS, WORKDAYS } from "./model";

export interface DayActions {
  change: (day: Weekday, key: string, part: "start" | "end", value: string) => void;
  add: (day: Weekday) => void;
  remove: (day: Weekday, key: string) => void;
  copy: (from: Weekday, to: Weekday[]) => void;
  toggle: (day: Weekday) => void;
}

const TIME_INPUT =
  "w-[4.75rem] rounded-lg border border-slate-400 bg-white px-2 py-2 text-center text-base tabular-nums text-slate-900 placeholder:text-slate-500 aria-[invalid=true]:border-red-700 aria-[invalid=true]:bg-red-50";

export function DayRows({
  weekly,
  errors,
  selected,
  actions,
}: {
  weekly: Record<Weekday, DraftWindow[]>;
  errors: DraftErrors;
  selected: Set<Weekday>;
  actions: DayActions;
}) {
  return (
    <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
      {WEEKDAYS.map((day) => (
        <DayRow key={day} day={day} windows={weekly[day]} errors={errors} selected={selected.has(day)} actions={actions} />
      ))}
    </ul>
  );
}

function DayRow({
  day,
  windows,
  errors,
  selected,
  actions,
}: {
  day: Weekday;
  windows: DraftWindow[];
  errors: DraftErrors;
  selected: boolean;
  actions: DayActions;
}) {
  const id = useId();
  const [copying, setCopying] = useState(false);
  const dayError = errors.days[day];
  const name = DAY_NAME[day];
  return (
    <li className="flex flex-col gap-2 p-3 sm:flex-row sm:items-start sm:gap-4" data-day-row={day}>
      <div className="flex min-w-[8.5rem] items-center gap-2 pt-2">
        <input
          id={`${id}-select`}
          type="checkbox"
          checked={selected}
          onChange={() => actions.toggle(day)}
          className="h-5 w-5 rounded border-slate-400 text-brand-700"
        />
        <label htmlFor={`${id}-select`} className="font-semibold text-slate-900">
          {name}
        </label>
      </div>
      <div className="flex-1">
        {windows.length === 0 && <p className="pt-2 text-slate-700">Not working</p>}
        <ul className="flex flex-col gap-2">
          {windows.map((window, index) => (
            <WindowRow
              key={window.key}
              day={day}
              index={index}
              window={window}
              error={errors.windows[window.key]}
              actions={actions}
            />
          ))}
        </ul>
        {dayError && (
          <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-800">
            {name}: {dayError}
          </p>
        )}
        {copying && (
          <CopyPanel
            from={day}
            onCopy={(to) => {
              actions.copy(day, to);
              setCopying(false);
            }}
            onCancel={() => setCopying(false)}
          />
        )}
      </div>
      <div className="flex flex-wrap gap-2 sm:justify-end">
        <Button variant="secondary" aria-label={`Add hours on ${name}`} onClick={() => actions.add(day)}>
          Add hours
        </Button>
        <Button
          variant="ghost"
          aria-label={`Copy to… (${name}'s hours to other days)`}
          aria-expanded={copying}
          onClick={() => setCopying(!copying)}
        >
          Copy to…
        </Button>
      </div>
    </li>
  );
}

function WindowRow({
  day,
  index,
  window,
  error,
  actions,
}: {
  day: Weekday;
  index: number;
  window: DraftWindow;
  error?: { start?: string; end?: string; window?: string };
  actions: DayActions;
}) {
  const id = useId();
  const label = `${DAY_NAME[day]} hours ${index + 1}`;
  const messages = [error?.window, error?.start && `From: ${error.start}`, error?.end && `To: ${error.end}`].filter(Boolean);
  const described = messages.length ? `${id}-error` : undefined;
  const tidy = (part: "start" | "end") => () => {
    const read = readClock(window[part]);
    if (read !== window[part]) actions.change(day, window.key, part, read);
  };
  return (
    <li>
      <div className="flex flex-wrap items-center gap-2">
        <input
          aria-label={`${label}, from`}
          className={TIME_INPUT}
          inputMode="numeric"
          placeholder="09:00"
          value={window.start}
          aria-invalid={error?.start || error?.window ? true : undefined}
          aria-describedby={described}
          onChange={(event) => actions.change(day, window.key, "start", event.target.value)}
          onBlur={tidy("start")}
          data-window={`${day}-${index}-start`}
        />
        <span aria-hidden="true" className="text-slate-700">
          –
        </span>
        <input
          aria-label={`${label}, to`}
          className={TIME_INPUT}
          inputMode="numeric"
          placeholder="17:00"
          value={window.end}
          aria-invalid={error?.end || error?.window ? true : undefined}
          aria-describedby={described}
          onChange={(event) => actions.change(day, window.key, "end", event.target.value)}
          onBlur={tidy("end")}
          data-window={`${day}-${index}-end`}
        />
        <button
          type="button"
          aria-label={`Remove ${label}`}
          onClick={() => actions.remove(day, window.key)}
          className="min-h-[44px] rounded-lg px-3 text-sm font-semibold text-red-800 hover:bg-red-50"
        >
          Remove
        </button>
      </div>
      {described && (
        <p id={described} className="mt-1 text-sm font-medium text-red-800">
          {messages.join(" ")}
        </p>
      )}
    </li>
  );
}

function CopyPanel({ from, onCopy, onCancel }: { from: Weekday; onCopy: (to: Weekday[]) => void; onCancel: () => void }) {
  const [to, setTo] = useState<Set<Weekday>>(new Set());
  const id = useId();
  const others = WEEKDAYS.filter((day) => day !== from);
  const toggle = (day: Weekday) => {
    const next = new Set(to);
    if (next.has(day)) next.delete(day);
    else next.add(day);
    setTo(next);
  };
  return (
    <fieldset className="mt-3 rounded-lg border border-slate-300 bg-slate-50 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-900">Copy {DAY_NAME[from]}'s hours to</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-2">
        {others.map((day) => (
          <span key={day} className="flex items-center gap-1">
            <input id={`${id}-${day}`} type="checkbox" checked={to.has(day)} onChange={() => toggle(day)} className="h-5 w-5" />
            <label htmlFor={`${id}-${day}`} className="text-slate-900">
              <span aria-hidden="true">{DAY_SHORT[day]}</span>
              <span className="sr-only">{DAY_NAME[day]}</span>
            </label>
          </span>
        ))}
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button onClick={() => onCopy([...to])} disabled={to.size === 0}>
          Copy
        </Button>
        <Button variant="secondary" onClick={() => onCopy(WORKDAYS.filter((d) => d !== from))}>
          Copy to all weekdays
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </fieldset>
  );
}
