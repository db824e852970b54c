// The public directory, fetched once per page load: the specialization catalog and doctors by id.
import { doctors, ok } from "../../api/client";
import type { Doctor, Specialization } from "../../api/types";

let catalog: Promise<Specialization[]> | null = null;

/** The specialization catalog (it changes rarely: one request per page load, retried after a failure). */
export function loadSpecializations(): Promise<Specialization[]> {
  if (!catalog) {
    catalog = ok(doctors.GET("/api/v1/doctors/specializations")).then((list) => list.items);
    catalog.catch(() => {
      catalog = null;
    });
  }
  return catalog;
}

const byId = new Map<string, Promise<Doctor>>();

/** One doctor's public profile, asked for at most once per id. */
export function loadDoctor(id: string): Promise<Doctor> {
  let known = byId.get(id);
  if (!known) {
    known = ok(doctors.GET("/api/v1/doctors/{doctor_id}", { params: { path: { doctor_id: id } } }));
    byId.set(id, known);
    known.catch(() => byId.delete(id));
  }
  return known;
}

/** Remember doctors a list already brought, so their profile pages need no request of their own. */
export function rememberDoctors(list: readonly Doctor[]): void {
  for (const doctor of list) if (doctor.id && !byId.has(doctor.id)) byId.set(doctor.id, Promise.resolve(doctor));
}

/** The doctors of one specialization (for the doctor and language filters and their photos). */
export async function doctorsOf(specialization: string): Promise<Doctor[]> {
  const page = await ok(
    doctors.GET("/api/v1/doctors", { params: { query: { specialization, page_size: 100 } } }),
  );
  rememberDoctors(page.items);
  return page.items;
}

/** Doctors whose name or clinic has these words. */
export async function searchDoctors(q: string): Promise<Doctor[]> {
  const page = await ok(doctors.GET("/api/v1/doctors", { params: { query: { q, page_size: 6 } } }));
  rememberDoctors(page.items);
  return page.items;
}

/** "English", "Deutsch"... in English, falling back to the code itself. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
