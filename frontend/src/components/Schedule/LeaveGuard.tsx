// A warning before unsaved edits are lost: closing or reloading the tab (the browser's own question) and
// leaving for another page of the app (ours).
import { useEffect, useRef } from "react";
import { useBlocker } from "react-router-dom";

import { Button } from "../ui";

export function LeaveGuard({ dirty, what = "changes" }: { dirty: boolean; what?: string }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  const stay = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = ""; // Chromium shows its own question only when returnValue is set
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  useEffect(() => {
    if (blocker.state === "blocked") stay.current?.focus();
  }, [blocker.state]);

  if (blocker.state !== "blocked") return null;
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-slate-900/50 p-4">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="leave-title"
        aria-describedby="leave-text"
        className="w-full max-w-md rounded-xl bg-white p-6 shadow-xl"
      >
        <h2 id="leave-title" className="text-lg font-bold text-slate-900">
          Leave without saving?
        </h2>
        <p id="leave-text" className="mt-2 text-slate-700">
          You have unsaved {what}. If you leave now, they are lost.
        </p>
        <div className="mt-4 flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={() => blocker.proceed?.()}>
            Leave and lose them
          </Button>
          <Button ref={stay} onClick={() => blocker.reset?.()}>
            Stay here
          </Button>
        </div>
      </div>
    </div>
  );
}
