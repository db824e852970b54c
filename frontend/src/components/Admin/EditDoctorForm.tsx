// Change a doctor's profile and specializations; only the fields changed here are sent (PATCH).
import { type FormEvent, useState } from "react";

import { doctors, ok } from "../../api/client";
import { fieldMessages, plainMessage } from "../../api/problem";
import type { Doctor, Specialization } from "../../api/types";
import { Alert, Button } from "../ui";
import { DoctorFields } from "./DoctorFields";
import { changesOf, checkDraft, type DoctorDraft, draftOf } from "./doctorDraft";

export function EditDoctorForm({ doctor, catalog, onSaved }: { doctor: Doctor; catalog: Specialization[]; onSaved?: (doctor: Doctor) => void }) {
  const [saved, setSaved] = useState<DoctorDraft>(() => draftOf(doctor));
  const [draft, setDraft] = useState<DoctorDraft>(saved);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const changes = changesOf(saved, draft);
  const changed = Object.keys(changes).length > 0;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkDraft(draft);
    setErrors(problems);
    setDone(false);
    if (Object.keys(problems).length > 0 || !changed) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const updated = await ok(doctors.PATCH("/api/v1/doctors/{doctor_id}", { params: { path: { doctor_id: doctor.id ?? "" } }, body: changes }));
      const fresh = draftOf(updated);
      setSaved(fresh);
      setDraft(fresh);
      setDone(true);
      onSaved?.(updated);
    } catch (error) {
      setFailure(error);
      setErrors(fieldMessages(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="space-y-6">
      <div className="rounded-xl border border-slate-200 bg-white p-4 sm:p-6">
        <DoctorFields draft={draft} onChange={(next) => (setDraft(next), setDone(false))} catalog={catalog} errors={errors} disabled={busy} />
      </div>
      <div aria-live="polite">
        {failure !== undefined && (
          <Alert tone="error" title="The changes were not saved">
            <p>{plainMessage(failure)} Your changes are still in the form.</p>
          </Alert>
        )}
        {done && <Alert tone="success" title="Saved">Patients see the new profile at once.</Alert>}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={busy} disabled={!changed}>
          Save changes
        </Button>
        {changed && (
          <Button variant="secondary" onClick={() => (setDraft(saved), setErrors({}), setFailure(undefined))} disabled={busy}>
            Undo changes
          </Button>
        )}
        {!changed && !done && <p className="text-sm text-slate-700">No changes yet.</p>}
      </div>
    </form>
  );
}
