// A doctor's photo when they have one, else their initials; decorative (the name is always next to it).
import { useState } from "react";

export function initialsOf(name: string): string {
  const words = name
    .replace(/^(dr|prof)\.?\s+/i, "")
    .split(/\s+/)
    .filter(Boolean);
  const first = words[0]?.[0] ?? "";
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase() || "?";
}

const SIZES = { sm: "h-10 w-10 text-sm", md: "h-14 w-14 text-lg", lg: "h-20 w-20 text-2xl" } as const;

export function DoctorAvatar({ name, photoUrl, size = "md" }: { name: string; photoUrl?: string | null; size?: keyof typeof SIZES }) {
  const [broken, setBroken] = useState(false);
  if (photoUrl && !broken) {
    return (
      <img
        src={photoUrl}
        alt=""
        className={`${SIZES[size]} shrink-0 rounded-full object-cover`}
        onError={() => setBroken(true)}
        loading="lazy"
      />
    );
  }
  return (
    <span aria-hidden className={`${SIZES[size]} inline-flex shrink-0 items-center justify-center rounded-full bg-brand-100 font-bold text-brand-900`}>
      {initialsOf(name)}
    </span>
  );
}
