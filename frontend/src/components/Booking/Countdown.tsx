// How long a held slot stays ours. The visible timer ticks every second; a screen reader hears it only at
// the moments that matter (a minute left, the hold ended), not sixty times a minute.
import { useEffect, useRef, useState } from "react";

import { remaining } from "../../lib/time";

/** The time now, updated every `ms` (a clock for countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

export function Countdown({ until, onExpire, label = "Held for you for" }: { until: string; onExpire?: () => void; label?: string }) {
  const now = useNow();
  const left = remaining(until, now);
  const expired = left.seconds === 0;
  const told = useRef(false);
  const saved = useRef(onExpire);
  saved.current = onExpire;

  useEffect(() => {
    if (expired && !told.current) {
      told.current = true;
      saved.current?.();
    }
    if (!expired) told.current = false;
  }, [expired]);

  const announcement = expired ? "The hold has ended." : left.seconds <= 60 ? "Less than a minute left." : "";
  const urgent = left.seconds <= 60;
  return (
    <div className={`rounded-lg border px-4 py-3 ${urgent ? "border-amber-400 bg-amber-50 text-amber-900" : "border-brand-600 bg-brand-50 text-brand-900"}`}>
      {expired ? (
        <p className="font-semibold">The time we held for you has run out.</p>
      ) : (
        <p>
          {label}{" "}
          <span role="timer" aria-live="off" className="font-bold tabular-nums" data-testid="hold-countdown">
            {left.text}
          </span>
        </p>
      )}
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
