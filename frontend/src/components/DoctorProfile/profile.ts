// The doctor's own profile form: what is typed, and the PATCH made of what changed.
import type { Doctor } from "../../api/types";

export interface ProfileForm {
  bio: string;
  languages: string;
  clinic: string;
  location: string;
  photo_url: string;
  accepting_new_patients: boolean;
}

export function formOf(doctor: Doctor): ProfileForm {
  return {
    bio: doctor.bio ?? "",
    languages: (doctor.languages ?? []).join(", "),
    clinic: doctor.clinic ?? "",
    location: doctor.location ?? "",
    photo_url: doctor.photo_url ?? "",
    accepting_new_patients: doctor.accepting_new_patients ?? true,
  };
}

/** "en, de  pt-BR" -> ["en", "de", "pt-BR"] */
export function languageList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((code) => code.trim())
    .filter(Boolean)
    .map((code) => (code.includes("-") ? `${code.split("-")[0]!.toLowerCase()}-${code.split("-")[1]!.toUpperCase()}` : code.toLowerCase()));
}

export type ProfilePatch = Partial<{
  bio: string;
  languages: string[];
  clinic: string;
  location: string;
  photo_url: string | null;
  accepting_new_patients: boolean;
}>;

/** Only the fields that differ from what was loaded. */
export function changes(loaded: ProfileForm, form: ProfileForm): ProfilePatch {
  const patch: ProfilePatch = {};
  if (form.bio.trim() !== loaded.bio.trim()) patch.bio = form.bio.trim();
  if (languageList(form.languages).join() !== languageList(loaded.languages).join()) patch.languages = languageList(form.languages);
  if (form.clinic.trim() !== loaded.clinic.trim()) patch.clinic = form.clinic.trim();
  if (form.location.trim() !== loaded.location.trim()) patch.location = form.location.trim();
  if (form.photo_url.trim() !== loaded.photo_url.trim()) patch.photo_url = form.photo_url.trim() || null;
  if (form.accepting_new_patients !== loaded.accepting_new_patients) patch.accepting_new_patients = form.accepting_new_patients;
  return patch;
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const URL_PATTERN = /^https?:\/\/[^\s/$.?#][^\s]*$/;

/** The server's rules (doctor_service/domain/doctor.py), checked before sending. */
export function problems(patch: ProfilePatch): Record<string, string> {
  const found: Record<string, string> = {};
  if (patch.bio !== undefined && patch.bio.length > 2000) found.bio = "At most 2000 characters.";
  if (patch.languages) {
    const bad = patch.languages.filter((code) => !LANGUAGE.test(code));
    if (bad.length) found.languages = `Not language codes (such as en, de or pt-BR): ${bad.join(", ")}.`;
    else if (patch.languages.length > 10) found.languages = "At most 10 languages.";
  }
  if (patch.clinic !== undefined && patch.clinic.length > 120) found.clinic = "At most 120 characters.";
  if (patch.location !== undefined && patch.location.length > 200) found.location = "At most 200 characters.";
  if (patch.photo_url && (patch.photo_url.length > 500 || !URL_PATTERN.test(patch.photo_url))) {
    found.photo_url = "Must be an http(s) address of at most 500 characters.";
  }
  return found;
}
