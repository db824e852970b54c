// Numbers and instants as the admin pages show them.

const SERVICE_NAMES: Record<string, string> = {
  auth: "Auth",
  patient: "Patient",
  doctor: "Doctor",
  appointment: "Appointment",
};

/** "Doctor service" for "doctor". */
export function serviceName(name: string): string {
  return `${SERVICE_NAMES[name] ?? name} service`;
}

/** "12 ms", "1.2 ms", "—" when there is no figure. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms).toLocaleString("en-GB")} ms`;
}

/** "3.4 per s" style rate figure (no unit). */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return "0";
  if (perSecond < 1) return perSecond.toFixed(2); // a quiet replica still shows it is being used
  return perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond).toLocaleString("en-GB");
}

/** "4 s ago", "3 min ago", "just now" (relative to `now`, ms since the epoch). */
export function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 2) return "just now";
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

/** "14:20:05" in the viewer's time zone. */
export function clockTime(iso: string | number): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(
    new Date(iso),
  );
}

/** "1 replica", "3 replicas". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? one : many}`;
}
