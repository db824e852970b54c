// The doctor's weekly schedule editor: typed and drawn hours, templates, copy, types and booking rules,
// saved as ONE PUT with If-Match; a 412 is resolved by merging their version under the doctor's edits.
import { useCallback, useEffect, useRef, useState } from "react";

import { doctors } from "../../api/client";
import { ApiError, plainMessage } from "../../api/problem";
import type { Doctor, Schedule } from "../../api/types";
import { viewerTimeZone } from "../../lib/time";
import { Alert, Button, ErrorState, Loading } from "../ui";
import { type Conflict, ConflictNotice, MergedNotice } from "./ConflictNotice";
import { DayRows } from "./DayRows";
import { LeaveGuard } from "./LeaveGuard";
import {
  addDrawnWindow,
  applyTemplate,
  changedParts,
  clearDays,
  consultationKey,
  copyDay,
  DAY_SHORT,
  type Draft,
  type DraftErrors,
  errorsOnDraft,
  fromServer,
  hasErrors,
  isDirty,
  newKey,
  noErrors,
  type Rebased,
  rebase,
  type Setting,
  setDuration,
  stepOf,
  type Template,
  TEMPLATES,
  templateHours,
  toDocument,
  validate,
  type Weekday,
  WEEKDAYS,
  WORKDAYS,
} from "./model";
import { ScheduleSettings } from "./ScheduleSettings";
import { WeekGrid } from "./WeekGrid";

interface Loaded {
  base: Draft;
  etag: string;
  version?: number;
}

type Target = "workdays" | "selected" | "all";

async function readSchedule(): Promise<{ schedule: Schedule; etag: string }> {
  const { data, response } = await doctors.GET("/api/v1/doctors/me/schedule");
  const schedule = data as Schedule;
  return { schedule, etag: response.headers.get("ETag") ?? `"${schedule.version ?? ""}"` };
}

export function ScheduleEditor() {
  const [doctor, setDoctor] = useState<Doctor>();
  const [loaded, setLoaded] = useState<Loaded>();
  const [draft, setDraft] = useState<Draft>();
  const [loadError, setLoadError] = useState<unknown>();
  const [errors, setErrors] = useState<DraftErrors>(noErrors());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [merged, setMerged] = useState<Rebased | null>(null);
  const [selected, setSelected] = useState<Set<Weekday>>(new Set());
  const [target, setTarget] = useState<Target>("workdays");
  const [note, setNote] = useState<string>();
  const [newType, setNewType] = useState<string>();
  const conflictRef = useRef<HTMLDivElement>(null);
  const mergedRef = useRef<HTMLDivElement>(null);
  const problemsRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      const [me, { schedule, etag }] = await Promise.all([
        doctors.GET("/api/v1/doctors/me").then((r) => r.data as Doctor),
        readSchedule(),
      ]);
      const base = fromServer(schedule);
      setDoctor(me);
      setLoaded({ base, etag, version: schedule.version });
      setDraft(fromServer(schedule));
    } catch (error) {
      setLoadError(error);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (conflict?.theirs) conflictRef.current?.focus();
  }, [conflict?.theirs]);
  useEffect(() => {
    if (merged) mergedRef.current?.focus();
  }, [merged]);

  const dirty = Boolean(loaded && draft && isDirty(loaded.base, draft));

  if (loadError !== undefined && !draft) return <ErrorState error={loadError} onRetry={() => void load()} />;
  if (!loaded || !draft) return <Loading label="Loading your schedule…" />;

  const step = stepOf(draft);
  const slugs = (doctor?.specializations ?? []).map((s) => s.slug ?? "").filter(Boolean);
  const consultation = consultationKey(draft, slugs);

  const edit = (next: Draft) => {
    setDraft(next);
    setSaved(false);
  };
  const forget = (key: string) => {
    if (!errors.windows[key] && !errors.types[key]) return;
    const next = { ...errors, windows: { ...errors.windows }, types: { ...errors.types } };
    delete next.windows[key];
    delete next.types[key];
    setErrors(next);
  };
  const forgetDay = (day: Weekday) => {
    if (errors.days[day]) setErrors({ ...errors, days: { ...errors.days, [day]: undefined } });
  };

  const targetDays = (): Weekday[] =>
    target === "all" ? [...WEEKDAYS] : target === "selected" ? WEEKDAYS.filter((d) => selected.has(d)) : [...WORKDAYS];

  const dayActions = {
    change: (day: Weekday, key: string, part: "start" | "end", value: string) => {
      forget(key);
      edit({ ...draft, weekly: { ...draft.weekly, [day]: draft.weekly[day].map((w) => (w.key === key ? { ...w, [part]: value } : w)) } });
    },
    add: (day: Weekday) => {
      forgetDay(day);
      edit({ ...draft, weekly: { ...draft.weekly, [day]: [...draft.weekly[day], { key: newKey("w"), start: "", end: "" }] } });
    },
    remove: (day: Weekday, key: string) => {
      forget(key);
      forgetDay(day);
      edit({ ...draft, weekly: { ...draft.weekly, [day]: draft.weekly[day].filter((w) => w.key !== key) } });
    },
    copy: (from: Weekday, to: Weekday[]) => {
      to.forEach(forgetDay);
      edit(copyDay(draft, from, to));
    },
    toggle: (day: Weekday) => {
      const next = new Set(selected);
      if (next.has(day)) next.delete(day);
      else next.add(day);
      setSelected(next);
      if (next.size > 0) setTarget("selected");
      else if (target === "selected") setTarget("workdays");
    },
  };

  const settingActions = {
    set: (setting: Setting, value: string) => {
      if (errors.settings[setting]) setErrors({ ...errors, settings: { ...errors.settings, [setting]: undefined } });
      edit({ ...draft, [setting]: value });
    },
    type: (key: string, part: "name" | "duration", value: string) => {
      forget(key);
      if (part === "duration") {
        const changed = setDuration(draft, key, value);
        setNote(changed.note);
        edit(changed.draft);
      } else {
        edit({ ...draft, appointment_types: draft.appointment_types.map((t) => (t.key === key ? { ...t, name: value } : t)) });
      }
    },
    addType: () => {
      const key = newKey("t");
      setNewType(key);
      edit({ ...draft, appointment_types: [...draft.appointment_types, { key, code: "", name: "", duration: String(step * 2) }] });
    },
    removeType: (key: string) => {
      forget(key);
      edit({ ...draft, appointment_types: draft.appointment_types.filter((t) => t.key !== key) });
    },
  };

  const useTemplate = (template: Template) => {
    const days = targetDays();
    days.forEach(forgetDay);
    edit(applyTemplate(draft, template, days));
  };

  const save = async () => {
    const { document, keys } = toDocument(draft);
    const local = validate(document);
    setSaveError(undefined);
    if (Object.keys(local).length) {
      setErrors(errorsOnDraft(local, keys));
      problemsRef.current?.focus();
      return;
    }
    setSaving(true);
    try {
      const { data, response } = await doctors.PUT("/api/v1/doctors/me/schedule", {
        params: { header: { "If-Match": loaded.etag } },
        body: document as Schedule,
      });
      const schedule = data as Schedule;
      setLoaded({ base: fromServer(schedule), etag: response.headers.get("ETag") ?? `"${schedule.version}"`, version: schedule.version });
      setDraft(fromServer(schedule));
      setErrors(noErrors());
      setConflict(null);
      setMerged(null);
      setNote(undefined);
      setSaved(true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) void showConflict();
      else if (error instanceof ApiError && error.status === 422 && error.problem.errors) {
        setErrors(errorsOnDraft(error.problem.errors, keys));
        setSaveError(error);
      } else setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  const showConflict = async () => {
    setConflict({});
    try {
      const { schedule, etag } = await readSchedule();
      const theirs = fromServer(schedule);
      setConflict({ theirs, etag, version: schedule.version, changed: changedParts(loaded.base, theirs) });
    } catch (error) {
      setConflict({ error });
    }
  };

  // Their version becomes the one I edit on (its ETag goes in the next If-Match), my edits back on top.
  const keepMine = () => {
    if (!conflict?.theirs || !conflict.etag) return;
    const result = rebase({ base: loaded.base, mine: draft, theirs: conflict.theirs });
    setLoaded({ base: conflict.theirs, etag: conflict.etag, version: conflict.version });
    setDraft(result.draft);
    setMerged(result);
    setConflict(null);
    setErrors(noErrors());
  };
  const takeTheirs = () => {
    if (!conflict?.theirs || !conflict.etag) return;
    setLoaded({ base: conflict.theirs, etag: conflict.etag, version: conflict.version });
    setDraft(structuredClone(conflict.theirs));
    setConflict(null);
    setMerged(null);
    setErrors(noErrors());
  };
  const discard = () => {
    setDraft(structuredClone(loaded.base));
    setErrors(noErrors());
    setMerged(null);
    setNote(undefined);
  };

  const zone = viewerTimeZone();
  const problems = hasErrors(errors);

  return (
    <div className="flex flex-col gap-8">
      <LeaveGuard dirty={dirty} what="schedule changes" />
      {conflict && (
        <ConflictNotice
          ref={conflictRef}
          conflict={conflict}
          mine={changedParts(loaded.base, draft)}
          draft={draft}
          onKeepMine={keepMine}
          onTakeTheirs={takeTheirs}
          onRetry={() => void showConflict()}
        />
      )}
      {merged && <MergedNotice ref={mergedRef} merged={merged} draft={draft} onDismiss={() => setMerged(null)} />}

      <section aria-labelledby="quick-fill" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="quick-fill" className="text-lg font-semibold text-slate-900">
          Quick fill
        </h2>
        <fieldset className="mt-2">
          <legend className="text-sm font-medium text-slate-800">Apply a template to</legend>
          <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
            {(
              [
                ["workdays", "Monday to Friday"],
                ["selected", selected.size ? `Selected days (${WEEKDAYS.filter((d) => selected.has(d)).map((d) => DAY_SHORT[d]).join(", ")})` : "Selected days (tick them below)"],
                ["all", "Every day"],
              ] as [Target, string][]
            ).map(([value, label]) => (
              <label key={value} className="flex min-h-[44px] items-center gap-2 text-slate-900">
                <input
                  type="radio"
                  name="template-target"
                  value={value}
                  checked={target === value}
                  disabled={value === "selected" && selected.size === 0}
                  onChange={() => setTarget(value)}
                  className="h-5 w-5"
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="mt-3 flex flex-wrap gap-2">
          {TEMPLATES.map((template) => (
            <Button key={template.id} variant="secondary" onClick={() => useTemplate(template)}>
              {template.label}{" "}
              <span className="font-normal text-slate-700">{templateHours(template)}</span>
            </Button>
          ))}
          <Button variant="ghost" onClick={() => edit(clearDays(draft, targetDays()))}>
            Clear hours
          </Button>
        </div>
        <div className="mt-3 border-t border-slate-200 pt-3">
          <Button variant="secondary" onClick={() => dayActions.copy("monday", WORKDAYS.slice(1))}>
            Copy Monday to all weekdays
          </Button>
        </div>
      </section>

      <section aria-labelledby="week" className="flex flex-col gap-4">
        <div>
          <h2 id="week" className="text-lg font-semibold text-slate-900">
            Working hours
          </h2>
          <p className="text-slate-700">
            Drag down a day to add hours (they snap to {step} minutes), or type them below: “9”, “930” and “09:30” all work.
            {draft.time_zone !== zone && (
              <>
                {" "}
                These hours are in <strong>{draft.time_zone}</strong> time; your device shows {zone}.
              </>
            )}
          </p>
        </div>
        <WeekGrid
          draft={draft}
          step={step}
          onDraw={(day, start, end) => {
            forgetDay(day);
            edit(addDrawnWindow(draft, day, start, end));
          }}
        />
        <DayRows weekly={draft.weekly} errors={errors} selected={selected} actions={dayActions} />
      </section>

      <section aria-labelledby="rules" className="flex flex-col gap-4">
        <h2 id="rules" className="text-lg font-semibold text-slate-900">
          Appointments and booking rules
        </h2>
        <ScheduleSettings
          draft={draft}
          errors={errors}
          consultation={consultation}
          note={note}
          newType={newType}
          actions={settingActions}
        />
      </section>

      <div className="sticky bottom-0 z-30 -mx-4 border-t border-slate-200 bg-white/95 px-4 py-2 sm:py-3 shadow-[0_-4px_12px_rgba(15,23,42,0.06)]">
        <div ref={problemsRef} tabIndex={-1} className="flex flex-col gap-2">
          {problems && (
            <Alert tone="error" title="Some hours need your attention">
              <p>Nothing was saved. The fields marked in red say what to change.</p>
              {errors.other.length > 0 && (
                <ul className="ml-5 list-disc">
                  {errors.other.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              )}
            </Alert>
          )}
          {saveError !== undefined && !problems && <Alert tone="error" title="Not saved">{plainMessage(saveError)}</Alert>}
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
          <p aria-live="polite" className="w-full text-sm font-medium text-slate-800 sm:w-auto sm:flex-1 sm:text-base">
            {dirty ? (
              <span className="flex items-center gap-2">
                <span className="h-2.5 w-2.5 shrink-0 rounded-full bg-amber-500" aria-hidden="true" />
                Unsaved changes
              </span>
            ) : saved ? (
              <span className="text-green-800">Saved. Patients can book these hours now.</span>
            ) : (
              <span>All changes saved{loaded.version ? ` (version ${loaded.version})` : ""}</span>
            )}
          </p>
          <div className="ml-auto flex gap-2">
            <Button variant="ghost" className="whitespace-nowrap" onClick={discard} disabled={!dirty || saving}>
              <span>
                Discard<span className="hidden sm:inline"> changes</span>
              </span>
            </Button>
            <Button className="whitespace-nowrap" onClick={() => void save()} busy={saving} disabled={!dirty && !conflict}>
              Save schedule
            </Button>
          </div>
        </div>
      </div>
    </div>
  );
}
