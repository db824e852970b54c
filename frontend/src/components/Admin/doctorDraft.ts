// A doctor's profile as the admin's form holds it (text as typed), and the API bodies made from it.
import { doctors, ok } from "../../api/client";
import type { Doctor, Specialization } from "../../api/types";
import type { components } from "../../api/generated/doctor";
import { viewerTimeZone } from "../../lib/time";
import { MAX_SPECIALIZATIONS } from "./SpecializationPicker";

export type DoctorProfileBody = components["schemas"]["DoctorProfile"];
/** The fields an admin types; the rest of the document (id, user_id, flags) is the server's. */
type EditableProfile = Required<Omit<DoctorProfileBody, "photo_url" | "id" | "user_id" | "active" | "account_disabled" | "account_role">>;

export interface DoctorDraft {
  full_name: string;
  specializations: string[];
  time_zone: string;
  clinic: string;
  location: string;
  languages: string;
  bio: string;
  accepting_new_patients: boolean;
}

export function emptyDraft(): DoctorDraft {
  return {
    full_name: "",
    specializations: [],
    time_zone: viewerTimeZone(),
    clinic: "",
    location: "",
    languages: "en",
    bio: "",
    accepting_new_patients: true,
  };
}

export function draftOf(doctor: Doctor): DoctorDraft {
  return {
    full_name: doctor.full_name ?? "",
    specializations: (doctor.specializations ?? []).map((ref) => ref.slug ?? "").filter(Boolean),
    time_zone: doctor.time_zone ?? "",
    clinic: doctor.clinic ?? "",
    location: doctor.location ?? "",
    languages: (doctor.languages ?? []).join(", "),
    bio: doctor.bio ?? "",
    accepting_new_patients: doctor.accepting_new_patients ?? true,
  };
}

function languageList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((code) => code.trim())
    .filter(Boolean);
}

/** The whole profile (for creating one). */
export function profileOf(draft: DoctorDraft): EditableProfile {
  return {
    full_name: draft.full_name.trim(),
    specializations: draft.specializations,
    time_zone: draft.time_zone,
    clinic: draft.clinic.trim(),
    location: draft.location.trim(),
    languages: languageList(draft.languages),
    bio: draft.bio.trim(),
    accepting_new_patients: draft.accepting_new_patients,
  };
}

/** Only the fields that differ from what was loaded, so a PATCH never overwrites what it did not change. */
export function changesOf(before: DoctorDraft, after: DoctorDraft): DoctorProfileBody {
  const old = profileOf(before);
  const now = profileOf(after);
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(now) as (keyof typeof now)[]) {
    if (JSON.stringify(old[key]) !== JSON.stringify(now[key])) changes[key] = now[key];
  }
  return changes as DoctorProfileBody;
}

/** What the form can tell before asking the server; field name -> message. */
export function checkDraft(draft: DoctorDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!draft.full_name.trim()) problems.full_name = "Enter the doctor's full name.";
  if (draft.specializations.length === 0) problems.specializations = "Choose at least one specialization.";
  if (draft.specializations.length > MAX_SPECIALIZATIONS)
    problems.specializations = `Choose at most ${MAX_SPECIALIZATIONS} specializations.`;
  if (!draft.time_zone) problems.time_zone = "Choose the doctor's time zone.";
  return problems;
}

export function loadSpecializations(): Promise<Specialization[]> {
  return ok(doctors.GET("/api/v1/doctors/specializations")).then((list) => list.items);
}

let zones: string[] | undefined;

/** Every IANA time zone the browser knows, for the time zone select. */
export function timeZones(): string[] {
  if (!zones) {
    const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    zones = Array.from(new Set([...known, "UTC", viewerTimeZone()])).sort();
  }
  return zones;
}
