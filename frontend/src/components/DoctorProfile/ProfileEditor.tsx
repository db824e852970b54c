// The doctor's public profile: bio, languages, clinic and location, photo, taking new patients.
import { useEffect, useId, useState } from "react";

import { doctors, ok } from "../../api/client";
import { ApiError, fieldMessages, plainMessage } from "../../api/problem";
import type { Doctor } from "../../api/types";
import { LeaveGuard } from "../Schedule/LeaveGuard";
import { Alert, Button, ErrorState, Loading, TextField } from "../ui";
import { changes, formOf, type ProfileForm, problems } from "./profile";

export function ProfileEditor() {
  const [doctor, setDoctor] = useState<Doctor>();
  const [loaded, setLoaded] = useState<ProfileForm>();
  const [form, setForm] = useState<ProfileForm>();
  const [loadError, setLoadError] = useState<unknown>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const bioId = useId();

  const load = async () => {
    setLoadError(undefined);
    try {
      const me = await ok(doctors.GET("/api/v1/doctors/me"));
      setDoctor(me);
      setLoaded(formOf(me));
      setForm(formOf(me));
    } catch (error) {
      setLoadError(error);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const patch = loaded && form ? changes(loaded, form) : {};
  const dirty = Object.keys(patch).length > 0;

  if (loadError !== undefined) return <ErrorState error={loadError} onRetry={() => void load()} />;
  if (!form || !loaded || !doctor) return <Loading label="Loading your profile…" />;

  const set = <K extends keyof ProfileForm>(key: K, value: ProfileForm[K]) => {
    setForm({ ...form, [key]: value });
    setSaved(false);
    if (errors[key]) setErrors({ ...errors, [key]: "" });
  };

  const save = async () => {
    const found = problems(patch);
    setErrors(found);
    setSaveError(undefined);
    if (Object.keys(found).length) return;
    setSaving(true);
    try {
      const updated = await ok(doctors.PATCH("/api/v1/doctors/me", { body: patch }));
      setDoctor(updated);
      setLoaded(formOf(updated));
      setForm(formOf(updated));
      setSaved(true);
    } catch (error) {
      setSaveError(error);
      if (error instanceof ApiError && error.status === 422) setErrors(fieldMessages(error));
    } finally {
      setSaving(false);
    }
  };

  const photo = /^https?:\/\//.test(form.photo_url.trim()) ? form.photo_url.trim() : "";

  return (
    <form
      className="flex flex-col gap-6"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <LeaveGuard dirty={dirty} what="profile changes" />
      <div className="rounded-xl border border-slate-200 bg-white p-4">
        <p className="text-lg font-semibold text-slate-900">{doctor.full_name}</p>
        <p className="text-slate-700">
          {(doctor.specializations ?? []).map((s) => s.name).join(", ")} · {doctor.time_zone}
        </p>
        <p className="mt-1 text-sm text-slate-700">Your name and specializations are kept by the hospital's admins.</p>
      </div>
      <div className="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <label htmlFor={bioId} className="mb-1 block text-sm font-medium text-slate-800">
            About you (shown to patients)
          </label>
          <textarea
            id={bioId}
            rows={5}
            maxLength={2000}
            value={form.bio}
            onChange={(event) => set("bio", event.target.value)}
            aria-invalid={errors.bio ? true : undefined}
            aria-describedby={errors.bio ? `${bioId}-error` : undefined}
            className="block w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 aria-[invalid=true]:border-red-700"
          />
          {errors.bio && (
            <p id={`${bioId}-error`} className="mt-1 text-sm font-medium text-red-800">
              {errors.bio}
            </p>
          )}
        </div>
        <TextField
          label="Languages you speak"
          value={form.languages}
          onChange={(event) => set("languages", event.target.value)}
          error={errors.languages}
          hint="Language codes, separated by commas: en, de, pt-BR."
        />
        <TextField label="Clinic" value={form.clinic} maxLength={120} onChange={(event) => set("clinic", event.target.value)} error={errors.clinic} />
        <TextField
          className="sm:col-span-2"
          label="Location (address or building and floor)"
          value={form.location}
          maxLength={200}
          onChange={(event) => set("location", event.target.value)}
          error={errors.location}
        />
        <div className="flex items-start gap-4 sm:col-span-2">
          <TextField
            className="flex-1"
            label="Photo address (https://…)"
            type="url"
            inputMode="url"
            value={form.photo_url}
            onChange={(event) => set("photo_url", event.target.value)}
            error={errors.photo_url}
            hint="Leave empty for no photo."
          />
          {photo && <img src={photo} alt="Your photo as patients see it" className="h-20 w-20 rounded-full border border-slate-300 object-cover" />}
        </div>
        <label className="flex min-h-[44px] items-center gap-2 text-slate-900 sm:col-span-2">
          <input
            type="checkbox"
            checked={form.accepting_new_patients}
            onChange={(event) => set("accepting_new_patients", event.target.checked)}
            className="h-5 w-5"
          />
          Taking new patients
        </label>
        {errors.accepting_new_patients && <p className="text-sm font-medium text-red-800">{errors.accepting_new_patients}</p>}
      </div>
      {saveError !== undefined && (
        <Alert tone="error" title="Not saved">
          {plainMessage(saveError)}
        </Alert>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={saving} disabled={!dirty}>
          Save profile
        </Button>
        <Button variant="ghost" disabled={!dirty || saving} onClick={() => setForm(loaded)}>
          Discard changes
        </Button>
        <p aria-live="polite" className="font-medium text-slate-800">
          {dirty ? "Unsaved changes" : saved ? <span className="text-green-800">Saved.</span> : ""}
        </p>
      </div>
    </form>
  );
}
