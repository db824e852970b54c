-- Shared by the bench's wrk scripts (dofile'd by each): counts the answers per thread by status and by
-- replica (X-Served-By), and at the end prints ONE parseable line for tests/load/wrk_runner.py:
--   WRK_RESULT {"requests": ..., "p50_ms": ..., "statuses": {"200": ...}, "served_by": {...}, ...}

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

statuses = {}
served_by = {}
counters = {}

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local replica = headers["X-Served-By"]
  if replica then
    served_by[replica] = (served_by[replica] or 0) + 1
  end
end

local function add_into(total, part)
  for key, value in pairs(part or {}) do
    total[key] = (total[key] or 0) + value
  end
end

local function json(value)
  if type(value) == "table" then
    local parts = {}
    for key, inner in pairs(value) do
      table.insert(parts, string.format("%q: %s", tostring(key), json(inner)))
    end
    return "{" .. table.concat(parts, ", ") .. "}"
  elseif type(value) == "number" then
    if value == math.floor(value) then
      return string.format("%d", value)
    end
    return string.format("%.3f", value)
  end
  return string.format("%q", tostring(value))
end

function done(summary, latency, requests)
  local all_statuses, all_replicas, all_counters = {}, {}, {}
  for _, thread in ipairs(threads) do
    add_into(all_statuses, thread:get("statuses"))
    add_into(all_replicas, thread:get("served_by"))
    add_into(all_counters, thread:get("counters"))
  end
  local ms = function(us) return us / 1000 end
  local result = {
    requests = summary.requests,
    seconds = summary.duration / 1e6,
    p50_ms = ms(latency:percentile(50)),
    p95_ms = ms(latency:percentile(95)),
    p99_ms = ms(latency:percentile(99)),
    max_ms = ms(latency.max),
    mean_ms = ms(latency.mean),
    statuses = all_statuses,
    served_by = all_replicas,
    counters = all_counters,
    socket_errors = {
      connect = summary.errors.connect, read = summary.errors.read, write = summary.errors.write,
      timeout = summary.errors.timeout,
    },
  }
  io.write("WRK_RESULT ", json(result), "\n")
end
