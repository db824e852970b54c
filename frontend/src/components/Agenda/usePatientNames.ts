// Each patient's name, fetched once per distinct patient (in parallel) and remembered across refreshes.
import { useEffect, useRef, useState } from "react";

import { ok, patients } from "../../api/client";

export type PatientName = { state: "loading" } | { state: "known"; name: string } | { state: "unknown" };

export function usePatientNames(ids: string[]): Map<string, PatientName> {
  const known = useRef(new Map<string, PatientName>());
  const [, rerender] = useState(0);
  const wanted = ids.join(",");

  useEffect(() => {
    const missing = ids.filter((id) => !known.current.has(id));
    if (!missing.length) return;
    for (const id of missing) known.current.set(id, { state: "loading" });
    rerender((n) => n + 1);
    void Promise.allSettled(
      missing.map(async (id) => {
        try {
          const profile = await ok(patients.GET("/api/v1/patients/{patient_id}", { params: { path: { patient_id: id } } }));
          known.current.set(id, profile?.full_name ? { state: "known", name: profile.full_name } : { state: "unknown" });
        } catch {
          known.current.set(id, { state: "unknown" });
        }
        rerender((n) => n + 1); // each name shows as soon as it is there
      }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted]);

  return known.current;
}
