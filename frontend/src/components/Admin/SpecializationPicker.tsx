// Choose a doctor's specializations from the catalog: one checkbox each, grouped under one legend.
import type { Specialization } from "../../api/types";

export const MAX_SPECIALIZATIONS = 5;

export function SpecializationPicker({
  catalog,
  chosen,
  onChange,
  error,
}: {
  catalog: Specialization[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
  error?: string;
}) {
  const toggle = (slug: string, on: boolean) =>
    onChange(on ? [...chosen, slug] : chosen.filter((other) => other !== slug));
  return (
    <fieldset aria-describedby={error ? "specializations-error" : "specializations-hint"}>
      <legend className="text-sm font-medium text-slate-800">Specializations</legend>
      <p id="specializations-hint" className="text-sm text-slate-600">
        Choose one to {MAX_SPECIALIZATIONS}. {chosen.length} chosen.
      </p>
      <div className="mt-2 grid max-h-72 gap-1 overflow-y-auto rounded-lg border border-slate-300 bg-white p-2 sm:grid-cols-2">
        {catalog.map((specialization) => {
          const slug = specialization.slug ?? "";
          return (
            <label key={slug} className="flex min-h-[44px] cursor-pointer items-center gap-2 rounded-md px-2 hover:bg-slate-50">
              <input
                type="checkbox"
                className="h-5 w-5 accent-brand-700"
                name="specializations"
                value={slug}
                checked={chosen.includes(slug)}
                onChange={(event) => toggle(slug, event.target.checked)}
              />
              <span className="text-slate-900">{specialization.name ?? slug}</span>
            </label>
          );
        })}
      </div>
      {error && (
        <p id="specializations-error" className="mt-1 text-sm font-medium text-red-800">
          {error}
        </p>
      )}
    </fieldset>
  );
}
