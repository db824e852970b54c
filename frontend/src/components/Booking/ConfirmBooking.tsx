// /book: the held slot, its countdown, an optional reason and one "Confirm booking" button. Signed out, the
// same page asks the patient to sign in or register; the hold (kept in sessionStorage) waits for them.
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { ApiError } from "../../api/problem";
import type { Slot } from "../../api/types";
import { useAsync } from "../../hooks/useAsync";
import { useSession } from "../../hooks/useSession";
import { formatDayTime, formatTime } from "../../lib/time";
import { loadDoctor, loadSpecializations } from "../Search/directory";
import { findUrl, nextSlotBesides } from "../Search/slotQuery";
import { GoogleSignInLink } from "../SignIn/GoogleSignIn";
import { Button, EmptyState, ErrorState, Page } from "../ui";
import { TextAreaField } from "../ui/TextAreaField";
import { BookingSummary } from "./BookingSummary";
import { Countdown } from "./Countdown";
import { confirmHold, holdSlot, releaseHold } from "./holdApi";
import { clearPendingHold, isHeld, type PendingHold, readPendingHold, savePendingHold, type SlotSummary } from "./pendingHold";
import { SlotTaken } from "./SlotTaken";

interface Taken {
  slot: SlotSummary;
  next: Slot | null;
}

function isLost(error: unknown): boolean {
  // 409: taken by someone else (or the hold ran out); 404: the hold is gone.
  return error instanceof ApiError && (error.status === 409 || error.status === 404);
}

export function ConfirmBooking() {
  const { me, role, checking } = useSession();
  const navigate = useNavigate();
  const [hold, setHold] = useState<PendingHold | null>(readPendingHold);
  const [reason, setReason] = useState(hold?.reason ?? "");
  const [ended, setEnded] = useState(() => (hold ? !isHeld(hold) : false));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [taken, setTaken] = useState<Taken | null>(null);
  const doctor = useAsync(() => (hold ? loadDoctor(hold.slot.doctor_id) : Promise.resolve(undefined)), [hold?.slot.doctor_id]);
  const catalog = useAsync(loadSpecializations, []);
  const specialization = catalog.data?.find((s) => s.slug === hold?.slot.specialization)?.name;

  useEffect(() => {
    // What the patient types stays with the hold, through a sign-in or a reload.
    if (hold && (hold.reason ?? "") !== reason) savePendingHold({ ...hold, reason });
  }, [hold, reason]);

  async function lost(slot: SlotSummary) {
    const next = await nextSlotBesides(hold?.search ?? {}, slot).catch(() => null);
    setTaken({ slot, next });
  }

  function booked(appointment: { id?: string }, slot: SlotSummary) {
    clearPendingHold();
    navigate(`/booked/${appointment.id}`, { replace: true, state: { appointment, slot } });
  }

  async function confirm() {
    if (!hold) return;
    setBusy(true);
    setError(undefined);
    try {
      booked(await confirmHold(hold, reason), hold.slot);
    } catch (failure) {
      if (isLost(failure)) await lost(hold.slot);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  }

  /** Hold `slot` anew (after the hold ran out, or the offered next one) and, when asked, book it at once. */
  async function holdAnew(slot: SlotSummary, { andBook }: { andBook: boolean }) {
    setBusy(true);
    setError(undefined);
    try {
      const fresh = { ...(await holdSlot(slot, { signedIn: me !== null, search: hold?.search ?? {} })), reason };
      savePendingHold(fresh);
      setHold(fresh);
      setTaken(null);
      setEnded(false);
      if (andBook) booked(await confirmHold(fresh, reason), fresh.slot);
    } catch (failure) {
      if (isLost(failure)) await lost(slot);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function chooseAnother() {
    if (!hold) return;
    setBusy(true);
    await releaseHold(hold).catch(() => undefined); // it runs out by itself anyway
    clearPendingHold();
    navigate(findUrl(hold.search));
  }

  if (!hold) {
    return (
      <Page title="Confirm your appointment">
        <EmptyState title="There is nothing to confirm">
          <p>
            Your held time may have been booked or given back.{" "}
            <Link to="/appointments" className="font-semibold text-brand-800 underline">
              See my appointments
            </Link>{" "}
            or{" "}
            <Link to="/" className="font-semibold text-brand-800 underline">
              find a time
            </Link>
            .
          </p>
        </EmptyState>
      </Page>
    );
  }

  const signedInAsPatient = me !== null && role === "patient";
  return (
    <Page title="Confirm your appointment" intro="Check the details, then confirm. You can cancel or move it later.">
      <div className="grid max-w-2xl gap-5">
        {taken ? (
          <SlotTaken
            taken={taken.slot}
            next={taken.next}
            busy={busy}
            takeLabel={signedInAsPatient ? `Book ${taken.next ? formatTime(taken.next.start) : ""} instead` : "Hold this time instead"}
            onTake={(slot) => void holdAnew(slot, { andBook: signedInAsPatient })}
          >
            <Link to={findUrl(hold.search)} className="mt-3 inline-block font-semibold text-brand-800 underline">
              See all free times
            </Link>
          </SlotTaken>
        ) : (
          <>
            <BookingSummary booking={{ ...hold.slot, reason: undefined }} doctor={doctor.data} specializationName={specialization} />
            {ended ? (
              <div className="rounded-lg border border-amber-400 bg-amber-50 p-4 text-amber-950" role="status">
                <p className="font-semibold">The time we held for you has run out.</p>
                <p className="mt-1">It may still be free. Try to keep it again, or choose another time.</p>
                <Button className="mt-3" busy={busy} onClick={() => void holdAnew(hold.slot, { andBook: false })}>
                  Keep {formatDayTime(hold.slot.start)} again
                </Button>
              </div>
            ) : (
              <Countdown until={hold.expiresAt} onExpire={() => setEnded(true)} label="We are holding this time for you for" />
            )}
          </>
        )}
        {error !== undefined && <ErrorState error={error} />}
        {!taken && !ended && (
          <>
            {checking ? null : signedInAsPatient ? (
              <form
                className="grid gap-4"
                onSubmit={(event) => {
                  event.preventDefault();
                  void confirm();
                }}
              >
                <TextAreaField
                  label="Reason for the visit (optional)"
                  hint="A few words help your doctor prepare for the visit."
                  value={reason}
                  maxLength={500}
                  rows={3}
                  onChange={(event) => setReason(event.target.value)}
                />
                <div className="flex flex-wrap gap-3">
                  <Button type="submit" busy={busy} className="px-8 text-lg" data-testid="confirm-booking">
                    Confirm booking
                  </Button>
                  <Button variant="secondary" disabled={busy} onClick={() => void chooseAnother()}>
                    Choose another time
                  </Button>
                </div>
              </form>
            ) : me !== null ? (
              <div className="rounded-lg border border-slate-300 bg-white p-4 text-slate-800">
                <p>
                  You are signed in as {me.full_name}, a {role} account. Appointments are booked with a patient account.
                </p>
              </div>
            ) : (
              <section aria-labelledby="sign-in-to-book" className="rounded-xl border border-slate-300 bg-white p-5">
                <h2 id="sign-in-to-book" className="text-lg font-semibold text-slate-900">
                  Sign in to confirm
                </h2>
                <p className="mt-1 text-slate-700">Your time stays held while you create an account or sign in.</p>
                <div className="mt-4 flex flex-col gap-3 sm:flex-row sm:flex-wrap">
                  <Link
                    to="/register?next=/book"
                    className="inline-flex min-h-[44px] items-center justify-center rounded-lg bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-800"
                  >
                    Create an account
                  </Link>
                  <Link
                    to="/login?next=/book"
                    className="inline-flex min-h-[44px] items-center justify-center rounded-lg border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-900 hover:bg-slate-100"
                  >
                    Sign in
                  </Link>
                  <GoogleSignInLink next="/book" />
                </div>
                <button type="button" className="mt-4 text-sm font-semibold text-brand-800 underline" onClick={() => void chooseAnother()}>
                  Give this time back and choose another
                </button>
              </section>
            )}
          </>
        )}
      </div>
    </Page>
  );
}
