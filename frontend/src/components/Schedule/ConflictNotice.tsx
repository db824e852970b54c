// When someone else saved the schedule first (412), and after their changes were merged under mine.
import { forwardRef } from "react";

import { Button, ErrorState } from "../ui";
import { describePart, type Draft, type Part, type Rebased, settingsSummary, weekSummary } from "./model";

export interface Conflict {
  theirs?: Draft;
  /** Their ETag: the If-Match of the next save once their version is taken. */
  etag?: string;
  version?: number;
  /** The parts they changed from the version I started with. */
  changed?: Part[];
  error?: unknown;
}

export const ConflictNotice = forwardRef<
  HTMLDivElement,
  {
    conflict: Conflict;
    /** My unsaved changes, and the draft they are in. */
    mine: Part[];
    draft: Draft;
    onKeepMine: () => void;
    onTakeTheirs: () => void;
    onRetry: () => void;
  }
>(function ConflictNotice({ conflict, mine, draft, onKeepMine, onTakeTheirs, onRetry }, ref) {
  const { theirs, changed = [] } = conflict;
  const theirParts = new Set(changed);
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="rounded-xl border-2 border-amber-400 bg-amber-50 p-4 text-amber-950">
      <h2 className="text-lg font-bold">This schedule was changed elsewhere</h2>
      <p className="mt-1">
        Someone (perhaps you, in another tab) saved {conflict.version ? `version ${conflict.version}` : "a newer version"} after
        you opened this page. Nothing of yours was saved yet, and your edits are still here.
      </p>
      {conflict.error !== undefined && <ErrorState error={conflict.error} onRetry={onRetry} />}
      {!theirs && conflict.error === undefined && <p className="mt-2">Loading their version…</p>}
      {theirs && (
        <>
          <div className="mt-3 rounded-lg bg-white p-3 text-slate-900">
            <p className="font-semibold">Their version</p>
            <p className="mt-1">{weekSummary(theirs)}</p>
            <p className="mt-1 text-sm text-slate-700">{settingsSummary(theirs)}</p>
            {changed.length > 0 && (
              <>
                <p className="mt-2 font-semibold">What they changed</p>
                <ul className="ml-5 list-disc">
                  {changed.map((part) => (
                    <li key={part}>{describePart(part, theirs)}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
          {mine.length > 0 && (
            <div className="mt-3 rounded-lg bg-white p-3 text-slate-900">
              <p className="font-semibold">Your unsaved changes</p>
              <ul className="ml-5 list-disc">
                {mine.map((part) => (
                  <li key={part}>
                    {describePart(part, draft)}
                    {theirParts.has(part) && <strong className="ml-1">(they changed this too: yours is kept)</strong>}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="mt-3 flex flex-wrap gap-2">
            <Button onClick={onKeepMine}>Reload their changes and keep mine on top</Button>
            <Button variant="secondary" onClick={onTakeTheirs}>
              Use their version, discard mine
            </Button>
          </div>
          <p className="mt-2 text-sm">
            "Keep mine on top" takes their version and puts back everything you changed; where you both changed the
            same day or setting, yours is kept. You then review it and save.
          </p>
        </>
      )}
    </div>
  );
});

export const MergedNotice = forwardRef<HTMLDivElement, { merged: Rebased; draft: Draft; onDismiss: () => void }>(
  function MergedNotice({ merged, draft, onDismiss }, ref) {
    const yours = [...merged.mine, ...merged.both];
    return (
      <div ref={ref} tabIndex={-1} role="status" className="rounded-xl border-2 border-sky-400 bg-sky-50 p-4 text-sky-950">
        <h2 className="text-lg font-bold">Their changes are loaded, with yours on top</h2>
        <p className="mt-1">Check the week below, then press “Save schedule”.</p>
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          <div>
            <p className="font-semibold">Yours, kept</p>
            <PartList parts={yours} draft={draft} />
          </div>
          <div>
            <p className="font-semibold">Theirs, taken</p>
            <PartList parts={merged.theirs} draft={draft} />
          </div>
        </div>
        {merged.both.length > 0 && (
          <p className="mt-2 text-sm">
            You both changed: {merged.both.map((part) => describePart(part, draft).split(":")[0]).join(", ")}. Yours is kept.
          </p>
        )}
        <button type="button" className="mt-2 text-sm font-semibold underline" onClick={onDismiss}>
          Hide this note
        </button>
      </div>
    );
  },
);

function PartList({ parts, draft }: { parts: Part[]; draft: Draft }) {
  if (!parts.length) return <p className="text-sm">Nothing</p>;
  return (
    <ul className="ml-5 list-disc text-sm">
      {parts.map((part) => (
        <li key={part}>{describePart(part, draft)}</li>
      ))}
    </ul>
  );
}
