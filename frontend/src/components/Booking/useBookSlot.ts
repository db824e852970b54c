// The "Book" button's work: hold the slot (for the signed-in patient, or anonymously while they sign in),
// remember the hold, go to the confirmation. When someone else just took the slot (409), say so and find
// the next free one, so one more click takes that instead.
import { useCallback, useState } from "react";
import { useNavigate } from "react-router-dom";

import { ApiError } from "../../api/problem";
import type { Slot } from "../../api/types";
import { useSession } from "../../hooks/useSession";
import { slotKey } from "../Search/slotDays";
import { findUrl, nextSlotBesides, type SlotQuery } from "../Search/slotQuery";
import { holdSlot } from "./holdApi";
import { savePendingHold } from "./pendingHold";

export interface TakenSlot {
  slot: Slot;
  /** The next free slot of the same search, or null when none is left. */
  next: Slot | null;
}

export interface BookSlot {
  book: (slot: Slot) => Promise<void>;
  /** slotKey of the slot being held right now. */
  busy: string | null;
  taken: TakenSlot | null;
  error: unknown;
  dismiss: () => void;
}

export function useBookSlot(search: SlotQuery, { onTaken }: { onTaken?: () => void } = {}): BookSlot {
  const { me, checking, refresh } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<string | null>(null);
  const [taken, setTaken] = useState<TakenSlot | null>(null);
  const [error, setError] = useState<unknown>();

  const book = useCallback(
    async (slot: Slot) => {
      setBusy(slotKey(slot));
      setError(undefined);
      try {
        // Before the first session check answers we do not know who this is (nor their CSRF token): ask.
        const who = checking ? await refresh().catch(() => null) : me;
        const hold = await holdSlot(slot, { signedIn: who !== null, search });
        savePendingHold(hold);
        setTaken(null);
        navigate("/book");
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 409) {
          onTaken?.();
          const next = await nextSlotBesides(search, slot).catch(() => null);
          setTaken({ slot, next });
        } else if (!me && failure instanceof ApiError && [404, 405].includes(failure.status)) {
          // This server cannot hold a slot for someone signed out: sign in first, then book.
          navigate(`/login?next=${encodeURIComponent(findUrl(search))}`);
        } else {
          setTaken(null);
          setError(failure);
        }
      } finally {
        setBusy(null);
      }
    },
    [me, checking, refresh, navigate, onTaken, search],
  );

  const dismiss = useCallback(() => {
    setTaken(null);
    setError(undefined);
  }, []);

  return { book, busy, taken, error, dismiss };
}
