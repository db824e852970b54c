// A reminder on other pages (home, sign in, register) that a slot is being held, with its countdown.
import { useState } from "react";
import { Link } from "react-router-dom";

import { formatDayTime } from "../../lib/time";
import { Countdown } from "./Countdown";
import { isHeld, readPendingHold } from "./pendingHold";

export function PendingHoldBanner({ continueLink = true }: { continueLink?: boolean }) {
  const [hold] = useState(readPendingHold);
  const [ended, setEnded] = useState(false);
  if (!hold || ended || !isHeld(hold)) return null;
  return (
    <aside aria-label="Your held appointment" className="mb-6 grid gap-3 rounded-xl border border-brand-600 bg-white p-4 sm:grid-cols-[1fr_auto] sm:items-center" data-testid="pending-hold">
      <div>
        <p className="font-semibold text-slate-900">
          We are holding {formatDayTime(hold.slot.start)} with {hold.slot.doctor_name} for you.
        </p>
        <div className="mt-2">
          <Countdown until={hold.expiresAt} onExpire={() => setEnded(true)} />
        </div>
      </div>
      {continueLink && (
        <Link to="/book" className="inline-flex min-h-[44px] items-center justify-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800">
          Continue booking
        </Link>
      )}
    </aside>
  );
}
