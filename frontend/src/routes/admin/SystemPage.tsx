// /admin: how the platform is doing right now, refreshed every 5 seconds (pausable).
import { useState } from "react";

import { AdminError } from "../../components/Admin/AdminError";
import { fetchSystemStatus, isForbidden } from "../../components/Admin/adminApi";
import { clockTime } from "../../components/Admin/format";
import { SystemStatusView } from "../../components/Admin/SystemStatusView";
import { Alert, Button, Loading, Page } from "../../components/ui";
import { plainMessage } from "../../api/problem";
import { useAsync, useInterval } from "../../hooks/useAsync";

export const REFRESH_MS = 5000;

export default function SystemPage() {
  const [paused, setPaused] = useState(false);
  const { data, error, loading, reload } = useAsync(fetchSystemStatus, []);
  useInterval(() => void reload(), paused ? null : REFRESH_MS);

  const controls = (
    <div className="flex flex-wrap items-center gap-3">
      {data && (
        <p className="text-sm text-slate-700">
          Updated {clockTime(data.generated_at)}
          {paused ? " · updates paused" : ` · refreshes every ${REFRESH_MS / 1000} s`}
        </p>
      )}
      <Button variant="secondary" onClick={() => setPaused((was) => !was)} aria-pressed={paused}>
        {paused ? "Resume updates" : "Pause updates"}
      </Button>
    </div>
  );

  return (
    <Page title="System" intro="Each service's health, the appointment service's replicas and today's bookings." actions={controls}>
      {!data && loading && <Loading label="Asking every service…" />}
      {(isForbidden(error) || (!data && !loading && error !== undefined)) && (
        <AdminError error={error} onRetry={() => void reload()} />
      )}
      {data && !isForbidden(error) && (
        <>
          {error !== undefined && (
            <div className="mb-6">
              {/* keep showing the last report; say it is stale and why */}
              <Alert tone="warning" title={`Could not refresh: showing the report of ${clockTime(data.generated_at)}`}>
                <p>{plainMessage(error)}</p>
              </Alert>
            </div>
          )}
          <SystemStatusView status={data} now={new Date(data.generated_at).getTime()} />
        </>
      )}
    </Page>
  );
}
