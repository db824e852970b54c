import { type TextareaHTMLAttributes, useId } from "react";

/** A labelled multi-line field with its hint and error wired to it (like TextField). */
export function TextAreaField({
  label,
  error,
  hint,
  id,
  className = "",
  ...area
}: { label: string; error?: string; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const own = useId();
  const areaId = id ?? own;
  const described = [hint ? `${areaId}-hint` : "", error ? `${areaId}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={areaId} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={areaId}
        rows={4}
        className="block w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 aria-[invalid=true]:border-red-700"
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...area}
      />
      {hint && (
        <p id={`${areaId}-hint`} className="mt-1 text-sm text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${areaId}-error`} className="mt-1 text-sm font-medium text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
