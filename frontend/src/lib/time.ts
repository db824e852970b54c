// Times as people read them: in the viewer's own time zone, with the doctor's local time when it differs.

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = timeZone + JSON.stringify(options);
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat("en-GB", { timeZone, ...options });
    formatters.set(key, made);
  }
  return made;
}

/** "Tue 1 Dec" */
export function formatDay(iso: string, timeZone = viewerTimeZone()): string {
  return formatter(timeZone, { weekday: "short", day: "numeric", month: "short" }).format(new Date(iso));
}

/** "14:20" */
export function formatTime(iso: string, timeZone = viewerTimeZone()): string {
  return formatter(timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

/** "Tue 1 Dec, 14:20" */
export function formatDayTime(iso: string, timeZone = viewerTimeZone()): string {
  return `${formatDay(iso, timeZone)}, ${formatTime(iso, timeZone)}`;
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone, for grouping slots by day. */
export function dayKey(iso: string, timeZone = viewerTimeZone()): string {
  const parts = formatter(timeZone, { year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(
    new Date(iso),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Whether two time zones show a different wall-clock time for this instant. */
export function differsIn(iso: string, zoneA: string, zoneB: string): boolean {
  return formatDayTime(iso, zoneA) !== formatDayTime(iso, zoneB);
}

/** "Tue 1 Dec, 14:20", plus " (13:20 in Europe/London, the doctor's time)" when the doctor's clock differs. */
export function formatWithDoctorTime(iso: string, doctorTimeZone: string, timeZone = viewerTimeZone()): string {
  const mine = formatDayTime(iso, timeZone);
  if (!doctorTimeZone || !differsIn(iso, timeZone, doctorTimeZone)) return mine;
  return `${mine} (${formatTime(iso, doctorTimeZone)} ${cityOf(doctorTimeZone)} time, where the doctor is)`;
}

export function cityOf(timeZone: string): string {
  return (timeZone.split("/").pop() ?? timeZone).replace(/_/g, " ");
}

/** "in 4 min 30 s" style countdown text for a hold. */
export function remaining(untilIso: string, now = Date.now()): { seconds: number; text: string } {
  const seconds = Math.max(0, Math.round((new Date(untilIso).getTime() - now) / 1000));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return { seconds, text: minutes > 0 ? `${minutes} min ${rest.toString().padStart(2, "0")} s` : `${rest} s` };
}
