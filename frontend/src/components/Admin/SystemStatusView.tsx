// What GET /api/v1/system reports, laid out: services up or down, the Appointment-MS replicas, today's bookings.
import { Alert, EmptyState } from "../ui";
import type { BookingsToday, Replica, ReplicaReport, ServiceHealth, SystemStatus } from "./adminApi";
import { ago, clockTime, formatMs, formatRate, plural, serviceName } from "./format";
import { StatusBadge } from "./StatusBadge";

export function SystemStatusView({ status, now }: { status: SystemStatus; now: number }) {
  return (
    <div className="space-y-8">
      <Summary services={status.services} />
      <Services services={status.services} />
      <Replicas report={status.replicas} now={now} />
      <Bookings bookings={status.bookings_today} />
      <p className="text-sm text-slate-700">
        Report made at {clockTime(status.generated_at)} by replica {status.answered_by}.
      </p>
    </div>
  );
}

function Summary({ services }: { services: ServiceHealth[] }) {
  const down = services.filter((service) => !service.ready);
  if (services.length === 0) return <Alert tone="warning" title="No services reported" />;
  if (down.length === 0) return <Alert tone="success" title={`All ${services.length} services are up`} />;
  return (
    <Alert tone="error" title={`${plural(down.length, "service is", "services are")} down`}>
      <p>{down.map((service) => serviceName(service.name)).join(", ")}. Patients may not be able to book meanwhile.</p>
    </Alert>
  );
}

function Services({ services }: { services: ServiceHealth[] }) {
  return (
    <section aria-labelledby="services-heading">
      <h2 id="services-heading" className="mb-3 text-xl font-bold text-slate-900">
        Services
      </h2>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {services.map((service) => (
          <li key={service.name} className="rounded-xl border border-slate-200 bg-white p-4" data-testid={`service-${service.name}`}>
            <div className="flex items-center justify-between gap-2">
              <h3 className="font-semibold text-slate-900">{serviceName(service.name)}</h3>
              <StatusBadge up={service.ready} />
            </div>
            <p className="mt-2 text-sm text-slate-700">
              {service.status_code ? `Answered in ${formatMs(service.response_time_ms)} (HTTP ${service.status_code})` : "No answer"}
            </p>
            <Checks checks={service.checks} />
            {!service.ready && service.detail && <p className="mt-2 text-sm font-medium text-red-800">{service.detail}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function checkState(value: unknown): string {
  if (value && typeof value === "object" && "status" in value) return String((value as { status: unknown }).status);
  return typeof value === "string" ? value : "";
}

function Checks({ checks }: { checks?: Record<string, unknown> }) {
  const entries = Object.entries(checks ?? {});
  if (entries.length === 0) return null;
  return (
    <dl className="mt-2 grid grid-cols-[auto,1fr] gap-x-3 text-sm">
      {entries.map(([name, value]) => {
        const state = checkState(value);
        return (
          <div key={name} className="contents">
            <dt className="text-slate-700">{name}</dt>
            <dd className={state === "ok" ? "text-slate-900" : "font-semibold text-red-800"}>{state || "—"}</dd>
          </div>
        );
      })}
    </dl>
  );
}

function Replicas({ report, now }: { report: ReplicaReport; now: number }) {
  const count = report.count;
  return (
    <section aria-labelledby="replicas-heading">
      <h2 id="replicas-heading" className="text-xl font-bold text-slate-900">
        Appointment service replicas
      </h2>
      {count === null || count === undefined ? (
        <div className="mt-3">
          <Alert tone="warning" title="The replicas could not be listed">
            <p>{report.detail ?? "The replica registry did not answer."}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-1 text-slate-700">
            <span className="text-3xl font-bold text-slate-900" data-testid="replica-count">
              {count}
            </span>{" "}
            {count === 1 ? "replica" : "replicas"} running · requests and latency over the last {report.window_seconds} s
          </p>
          {report.items.length === 0 ? (
            <div className="mt-3">
              <EmptyState title="No replica has reported yet">Replicas announce themselves every few seconds after they start.</EmptyState>
            </div>
          ) : (
            <>
              <ReplicaTable replicas={report.items} now={now} />
              <ReplicaCards replicas={report.items} now={now} />
            </>
          )}
        </>
      )}
    </section>
  );
}

const HEAD = "px-3 py-2 text-left text-sm font-semibold text-slate-800";
const CELL = "px-3 py-2 text-sm text-slate-900 tabular-nums";

function ReplicaTable({ replicas, now }: { replicas: Replica[]; now: number }) {
  return (
    <div className="mt-3 hidden overflow-x-auto rounded-xl border border-slate-200 bg-white md:block">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">Appointment service replicas, their request rate and latency</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={HEAD}>Replica</th>
            <th scope="col" className={HEAD}>Address</th>
            <th scope="col" className={`${HEAD} text-right`}>Workers</th>
            <th scope="col" className={`${HEAD} text-right`}>Requests / s</th>
            <th scope="col" className={`${HEAD} text-right`}>p50 latency</th>
            <th scope="col" className={`${HEAD} text-right`}>p95 latency</th>
            <th scope="col" className={HEAD}>Last seen</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {replicas.map((replica) => (
            <tr key={replica.name} data-testid="replica-row">
              <th scope="row" className={`${CELL} text-left font-semibold`}>{replica.name}</th>
              <td className={CELL}>{replica.address}</td>
              <td className={`${CELL} text-right`}>{replica.workers}</td>
              <td className={`${CELL} text-right`}>
                {formatRate(replica.requests_per_second)}
                <span className="block text-xs text-slate-700">{plural(replica.requests_last_minute, "request")} / min</span>
              </td>
              <td className={`${CELL} text-right`}>{formatMs(replica.latency_p50_ms)}</td>
              <td className={`${CELL} text-right`}>{formatMs(replica.latency_p95_ms)}</td>
              <td className={CELL}>
                {ago(replica.last_seen_at, now)}
                <span className="block text-xs text-slate-700">at {clockTime(replica.last_seen_at)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReplicaCards({ replicas, now }: { replicas: Replica[]; now: number }) {
  return (
    <ul className="mt-3 space-y-3 md:hidden" aria-label="Appointment service replicas">
      {replicas.map((replica) => (
        <li key={replica.name} className="rounded-xl border border-slate-200 bg-white p-4" data-testid="replica-card">
          <p className="font-semibold text-slate-900">{replica.name}</p>
          <p className="text-sm text-slate-700">
            {replica.address} · {plural(replica.workers, "worker")}
          </p>
          <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-sm tabular-nums">
            <dt className="text-slate-700">Requests / s</dt>
            <dd className="text-slate-900">{formatRate(replica.requests_per_second)}</dd>
            <dt className="text-slate-700">p50 latency</dt>
            <dd className="text-slate-900">{formatMs(replica.latency_p50_ms)}</dd>
            <dt className="text-slate-700">p95 latency</dt>
            <dd className="text-slate-900">{formatMs(replica.latency_p95_ms)}</dd>
            <dt className="text-slate-700">Last seen</dt>
            <dd className="text-slate-900">{ago(replica.last_seen_at, now)}</dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}

function Bookings({ bookings }: { bookings: BookingsToday }) {
  const unknown = bookings.created_today === null || bookings.created_today === undefined;
  return (
    <section aria-labelledby="bookings-heading">
      <h2 id="bookings-heading" className="mb-3 text-xl font-bold text-slate-900">
        Bookings today <span className="text-base font-normal text-slate-700">({bookings.day}, UTC)</span>
      </h2>
      {unknown ? (
        <Alert tone="warning" title="Today's bookings could not be counted">
          <p>{bookings.detail ?? "The appointments database did not answer."}</p>
        </Alert>
      ) : (
        <dl className="grid gap-3 sm:grid-cols-2">
          <div className="rounded-xl border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">Booked today</dt>
            <dd className="text-3xl font-bold text-slate-900" data-testid="bookings-created">
              {bookings.created_today}
            </dd>
          </div>
          <div className="rounded-xl border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-700">Appointments taking place today</dt>
            <dd className="text-3xl font-bold text-slate-900">{bookings.starting_today ?? "—"}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
