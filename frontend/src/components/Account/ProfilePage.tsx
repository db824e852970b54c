// /profile: the patient's details (Patient-MS, PUT /patients/me). A failed save keeps everything typed and
// puts each message next to its field.
import { type FormEvent, useEffect, useRef, useState } from "react";

import { ok, patients } from "../../api/client";
import { ApiError, fieldMessages, plainMessage } from "../../api/problem";
import type { PatientProfile } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { useSession } from "../../hooks/useSession";
import { Alert, Button, ErrorState, Loading, Page, SelectField, TextField } from "../ui";

const LANGUAGES: [string, string][] = [
  ["en", "English"],
  ["de", "German"],
  ["es", "Spanish"],
  ["fr", "French"],
  ["it", "Italian"],
  ["pt", "Portuguese"],
  ["tr", "Turkish"],
  ["ar", "Arabic"],
  ["ja", "Japanese"],
];

interface Form {
  full_name: string;
  date_of_birth: string;
  phone: string;
  preferred_language: string;
  line1: string;
  line2: string;
  city: string;
  postal_code: string;
  country: string;
  contact_name: string;
  contact_phone: string;
  contact_relationship: string;
}

const EMPTY: Form = {
  full_name: "", date_of_birth: "", phone: "", preferred_language: "en", line1: "", line2: "", city: "",
  postal_code: "", country: "", contact_name: "", contact_phone: "", contact_relationship: "",
}; // prettier-ignore

function formOf(profile: PatientProfile | null, fallbackName: string): Form {
  if (!profile) return { ...EMPTY, full_name: fallbackName };
  const address = (profile.address ?? {}) as Partial<Record<"line1" | "line2" | "city" | "postal_code" | "country", string>>;
  const contact = (profile.emergency_contact ?? {}) as Partial<Record<"name" | "phone" | "relationship", string>>;
  return {
    full_name: profile.full_name ?? "",
    date_of_birth: profile.date_of_birth ?? "",
    phone: profile.phone ?? "",
    preferred_language: profile.preferred_language || "en",
    line1: address.line1 ?? "",
    line2: address.line2 ?? "",
    city: address.city ?? "",
    postal_code: address.postal_code ?? "",
    country: address.country ?? "",
    contact_name: contact.name ?? "",
    contact_phone: contact.phone ?? "",
    contact_relationship: contact.relationship ?? "",
  };
}

function profileOf(form: Form): PatientProfile {
  const t = (value: string) => value.trim();
  const hasAddress = [form.line1, form.line2, form.city, form.postal_code, form.country].some((v) => t(v));
  const hasContact = [form.contact_name, form.contact_phone, form.contact_relationship].some((v) => t(v));
  return {
    full_name: t(form.full_name),
    date_of_birth: form.date_of_birth,
    phone: t(form.phone),
    preferred_language: form.preferred_language,
    address: hasAddress
      ? { line1: t(form.line1), line2: t(form.line2), city: t(form.city), postal_code: t(form.postal_code), country: t(form.country).toUpperCase() }
      : null,
    emergency_contact: hasContact
      ? { name: t(form.contact_name), phone: t(form.contact_phone), relationship: t(form.contact_relationship) }
      : null,
  };
}

async function loadProfile(): Promise<PatientProfile | null> {
  try {
    return await ok(patients.GET("/api/v1/patients/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null; // no profile yet: the form starts empty
    throw error;
  }
}

export function ProfilePage() {
  const { me } = useSession();
  const saved = useAsync(loadProfile, []);
  const [form, setForm] = useState<Form | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    // After a refused save, go to the first field that needs attention (else the message above the form).
    if (error === undefined || !formRef.current) return;
    const target = formRef.current.querySelector<HTMLElement>("[aria-invalid=true]") ?? formRef.current.querySelector<HTMLElement>("[data-form-error]");
    target?.focus();
  }, [error]);

  useEffect(() => {
    if (saved.data !== undefined && form === null) setForm(formOf(saved.data, me?.full_name ?? ""));
  }, [saved.data, form, me?.full_name]);

  if (saved.error && !form) {
    return (
      <Page title="My profile">
        <ErrorState error={saved.error} onRetry={() => void saved.reload()} />
      </Page>
    );
  }
  if (!form) {
    return (
      <Page title="My profile">
        <Loading />
      </Page>
    );
  }

  const fields = fieldMessages(error);
  const set = (name: keyof Form) => (event: { target: { value: string } }) => {
    setDone(false);
    setForm({ ...form, [name]: event.target.value });
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await ok(patients.PUT("/api/v1/patients/me", { body: profileOf(form) }));
      setDone(true);
    } catch (failure) {
      setError(failure); // the form keeps every value typed
    } finally {
      setBusy(false);
    }
  }

  const isNew = saved.data === null;
  return (
    <Page title="My profile" intro="Your doctors see these details when you book. Fields marked optional can stay empty.">
      <form ref={formRef} className="grid max-w-2xl gap-6" onSubmit={(event) => void save(event)} noValidate>
        {isNew && !done && (
          <Alert tone="info">
            <p>Add your details once; they are ready for every booking.</p>
          </Alert>
        )}
        {error !== undefined && (
          <div data-form-error tabIndex={-1}>
            <Alert tone="error" title="Your details are not saved yet">
              <p>{plainMessage(error)}</p>
            </Alert>
          </div>
        )}
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-lg font-semibold text-slate-900">About you</legend>
          <TextField className="sm:col-span-2" label="Full name" autoComplete="name" value={form.full_name} onChange={set("full_name")} error={fields.full_name} />
          <TextField label="Date of birth" type="date" autoComplete="bday" value={form.date_of_birth} onChange={set("date_of_birth")} error={fields.date_of_birth} />
          <TextField
            label="Phone"
            type="tel"
            autoComplete="tel"
            hint="With the country code, such as +49 30 1234567."
            value={form.phone}
            onChange={set("phone")}
            error={fields.phone}
          />
          <SelectField label="Preferred language" value={form.preferred_language} onChange={set("preferred_language")} error={fields.preferred_language}>
            {LANGUAGES.some(([code]) => code === form.preferred_language) ? null : <option value={form.preferred_language}>{form.preferred_language}</option>}
            {LANGUAGES.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </SelectField>
        </fieldset>
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-lg font-semibold text-slate-900">Address (optional)</legend>
          {fields.address && <p className="text-sm font-medium text-red-800 sm:col-span-2">{fields.address}</p>}
          <TextField className="sm:col-span-2" label="Street and number" autoComplete="address-line1" value={form.line1} onChange={set("line1")} error={fields["address.line1"]} />
          <TextField className="sm:col-span-2" label="Address line 2 (optional)" autoComplete="address-line2" value={form.line2} onChange={set("line2")} error={fields["address.line2"]} />
          <TextField label="Postal code" autoComplete="postal-code" value={form.postal_code} onChange={set("postal_code")} error={fields["address.postal_code"]} />
          <TextField label="City" autoComplete="address-level2" value={form.city} onChange={set("city")} error={fields["address.city"]} />
          <TextField
            label="Country"
            autoComplete="country"
            hint="Two letters, such as DE or GB."
            maxLength={2}
            value={form.country}
            onChange={set("country")}
            error={fields["address.country"]}
          />
        </fieldset>
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-lg font-semibold text-slate-900">Emergency contact (optional)</legend>
          {fields.emergency_contact && <p className="text-sm font-medium text-red-800 sm:col-span-2">{fields.emergency_contact}</p>}
          <TextField label="Contact name" value={form.contact_name} onChange={set("contact_name")} error={fields["emergency_contact.name"]} />
          <TextField label="Contact phone" type="tel" value={form.contact_phone} onChange={set("contact_phone")} error={fields["emergency_contact.phone"]} />
          <TextField
            label="Relationship (optional)"
            hint="Such as partner, parent or friend."
            value={form.contact_relationship}
            onChange={set("contact_relationship")}
            error={fields["emergency_contact.relationship"]}
          />
        </fieldset>
        <div className="flex flex-wrap items-center gap-4">
          <Button type="submit" busy={busy}>
            Save my details
          </Button>
          <p role="status" className="font-semibold text-green-800">
            {done ? "Saved." : ""}
          </p>
        </div>
      </form>
    </Page>
  );
}
