// Appointment types and the booking rules that go with the week: slot step, buffer, notice, horizon, zone.
import { useMemo } from "react";

import { Button, SelectField, TextField } from "../ui";
import {
  type Draft,
  type DraftErrors,
  MAX_DURATION_MINUTES,
  MAX_HORIZON_DAYS,
  minutesInWords,
  type Setting,
  SLOT_STEPS,
  stepOf,
} from "./model";

const BUFFERS = [0, 5, 10, 15, 20, 30, 45, 60];
const NOTICES = [0, 15, 30, 60, 120, 240, 720, 1440, 2880, 10080];

export interface SettingActions {
  set: (setting: Setting, value: string) => void;
  type: (key: string, part: "name" | "duration", value: string) => void;
  addType: () => void;
  removeType: (key: string) => void;
}

function withCurrent(options: number[], current: string): number[] {
  const value = Number(current);
  return /^\d+$/.test(current) && !options.includes(value) ? [...options, value].sort((a, b) => a - b) : options;
}

export function zoneNames(current: string): string[] {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return names.includes(current) || !current ? names : [current, ...names];
}

export function ScheduleSettings({
  draft,
  errors,
  consultation,
  note,
  newType,
  actions,
}: {
  draft: Draft;
  errors: DraftErrors;
  consultation?: string;
  note?: string;
  /** The type just added: its name field takes the focus. */
  newType?: string;
  actions: SettingActions;
}) {
  const step = stepOf(draft);
  const zones = useMemo(() => zoneNames(draft.time_zone), [draft.time_zone]);
  const main = draft.appointment_types.find((t) => t.key === consultation);
  const others = draft.appointment_types.filter((t) => t.key !== consultation);
  const typeError = (key: string) => errors.types[key];

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <fieldset className="rounded-xl border border-slate-200 bg-white p-4">
        <legend className="px-1 text-lg font-semibold text-slate-900">Appointment types</legend>
        {main && (
          <TextField
            label={`Consultation length (minutes)`}
            type="number"
            inputMode="numeric"
            min={step}
            max={MAX_DURATION_MINUTES}
            step={step}
            value={main.duration}
            onChange={(event) => actions.type(main.key, "duration", event.target.value)}
            error={typeError(main.key)?.duration ?? typeError(main.key)?.type ?? typeError(main.key)?.name ?? typeError(main.key)?.code}
            hint={`${main.name || "Consultation"}: what patients book unless they choose another type.`}
          />
        )}
        {note && (
          <p role="status" className="mt-2 rounded-lg bg-sky-50 p-2 text-sm text-sky-900">
            {note}
          </p>
        )}
        {others.length > 0 && (
          <ul className="mt-4 flex flex-col gap-3">
            {others.map((type, index) => (
              <li key={type.key} className="flex flex-wrap items-start gap-2">
                <TextField
                  className="min-w-[10rem] flex-1"
                  label={`Other type ${index + 1}: name`}
                  value={type.name}
                  maxLength={80}
                  autoFocus={type.key === newType}
                  onChange={(event) => actions.type(type.key, "name", event.target.value)}
                  error={typeError(type.key)?.name ?? typeError(type.key)?.code ?? typeError(type.key)?.type}
                />
                <TextField
                  className="w-32"
                  label="Minutes"
                  type="number"
                  inputMode="numeric"
                  min={step}
                  step={step}
                  value={type.duration}
                  onChange={(event) => actions.type(type.key, "duration", event.target.value)}
                  error={typeError(type.key)?.duration}
                />
                <button
                  type="button"
                  aria-label={`Remove ${type.name || `type ${index + 1}`}`}
                  className="mt-6 min-h-[44px] rounded-lg px-3 text-sm font-semibold text-red-800 hover:bg-red-50"
                  onClick={() => actions.removeType(type.key)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        {errors.typeList && <p className="mt-2 text-sm font-medium text-red-800">{errors.typeList}</p>}
        <Button variant="secondary" className="mt-4" onClick={actions.addType}>
          Add appointment type
        </Button>
      </fieldset>

      <fieldset className="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <legend className="px-1 text-lg font-semibold text-slate-900">Booking rules</legend>
        <SelectField
          label="Slot step"
          value={draft.slot_step_minutes}
          onChange={(event) => actions.set("slot_step_minutes", event.target.value)}
          error={errors.settings.slot_step_minutes}
          hint="Appointments start on this grid."
        >
          {SLOT_STEPS.map((value) => (
            <option key={value} value={String(value)}>
              Every {value} minutes
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Buffer after each appointment"
          value={draft.buffer_minutes}
          onChange={(event) => actions.set("buffer_minutes", event.target.value)}
          error={errors.settings.buffer_minutes}
        >
          {withCurrent(BUFFERS, draft.buffer_minutes).map((value) => (
            <option key={value} value={String(value)}>
              {value === 0 ? "No buffer" : `${value} minutes`}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Minimum notice"
          value={draft.minimum_notice_minutes}
          onChange={(event) => actions.set("minimum_notice_minutes", event.target.value)}
          error={errors.settings.minimum_notice_minutes}
          hint="How long before a visit patients may still book it (none: up to its start)."
        >
          {withCurrent(NOTICES, draft.minimum_notice_minutes).map((value) => (
            <option key={value} value={String(value)}>
              {value === 0 ? "None" : minutesInWords(value)}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Booking horizon (days)"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_HORIZON_DAYS}
          value={draft.booking_horizon_days}
          onChange={(event) => actions.set("booking_horizon_days", event.target.value)}
          error={errors.settings.booking_horizon_days}
          hint="How far ahead patients can book."
        />
        <SelectField
          className="sm:col-span-2"
          label="Time zone of these hours"
          value={draft.time_zone}
          onChange={(event) => actions.set("time_zone", event.target.value)}
          error={errors.settings.time_zone}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, " ")}
            </option>
          ))}
        </SelectField>
      </fieldset>
    </div>
  );
}
