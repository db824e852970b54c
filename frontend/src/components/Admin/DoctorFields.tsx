// The profile fields of a doctor, shared by "add a doctor" and "edit a doctor".
import { useMemo } from "react";

import type { Specialization } from "../../api/types";
import { SelectField, TextField } from "../ui";
import { type DoctorDraft, timeZones } from "./doctorDraft";
import { SpecializationPicker } from "./SpecializationPicker";
import { TextAreaField } from "../ui/TextAreaField";

export function DoctorFields({
  draft,
  onChange,
  catalog,
  errors,
  disabled = false,
}: {
  draft: DoctorDraft;
  onChange: (draft: DoctorDraft) => void;
  catalog: Specialization[];
  errors: Record<string, string>;
  disabled?: boolean;
}) {
  // some 400 zones: made once, not on every keystroke
  const zoneOptions = useMemo(
    () =>
      timeZones().map((zone) => (
        <option key={zone} value={zone}>
          {zone.replace(/_/g, " ")}
        </option>
      )),
    [],
  );
  const set = <K extends keyof DoctorDraft>(key: K, value: DoctorDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <fieldset disabled={disabled} className="space-y-4">
      <legend className="sr-only">Doctor profile</legend>
      <TextField
        label="Full name"
        name="full_name"
        autoComplete="off"
        required
        value={draft.full_name}
        onChange={(event) => set("full_name", event.target.value)}
        error={errors.full_name}
        hint="As patients will see it, such as Dr. Anna Weber."
      />
      <SpecializationPicker
        catalog={catalog}
        chosen={draft.specializations}
        onChange={(chosen) => set("specializations", chosen)}
        error={errors.specializations}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Time zone"
          name="time_zone"
          required
          value={draft.time_zone}
          onChange={(event) => set("time_zone", event.target.value)}
          error={errors.time_zone}
          hint="Where the doctor works; their weekly hours are in this time."
        >
          {!draft.time_zone && <option value="">Choose a time zone</option>}
          {zoneOptions}
        </SelectField>
        <TextField
          label="Languages"
          name="languages"
          value={draft.languages}
          onChange={(event) => set("languages", event.target.value)}
          error={errors.languages}
          hint="Language codes, separated by commas, such as en, de."
        />
        <TextField
          label="Clinic"
          name="clinic"
          value={draft.clinic}
          onChange={(event) => set("clinic", event.target.value)}
          error={errors.clinic}
        />
        <TextField
          label="Location"
          name="location"
          value={draft.location}
          onChange={(event) => set("location", event.target.value)}
          error={errors.location}
          hint="Building, floor or address."
        />
      </div>
      <TextAreaField
        label="About the doctor"
        name="bio"
        rows={4}
        value={draft.bio}
        onChange={(event) => set("bio", event.target.value)}
        error={errors.bio}
      />
      <label className="flex min-h-[44px] items-center gap-2">
        <input
          type="checkbox"
          className="h-5 w-5 accent-brand-700"
          checked={draft.accepting_new_patients}
          onChange={(event) => set("accepting_new_patients", event.target.checked)}
        />
        <span className="text-slate-900">Taking new patients</span>
      </label>
    </fieldset>
  );
}
