-- POST /api/v1/appointments, each request booking a different free slot as a signed-in patient.
--   wrk ... -s book.lua <gateway> -- <plan file> <threads> <run nonce> <origin>
-- The plan file (written by tests/load/booking_plan.py) has one booking per line, tab-separated:
--   Cookie header <TAB> CSRF token <TAB> JSON body
-- Thread k of n takes lines k, k+n, k+2n, ...; a thread that runs out sends GET healthz instead and counts
-- it as "exhausted" (the bench then says the plan was too short).
dofile((debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./") .. "report.lua")

local bookings = {}
local next_booking = 1
local nonce, origin = "", ""
local sent = 0
-- wrk calls request() once on the first thread before the run, to check the script, and throws the
-- answer away: that call must not use up a booking.
local checked = false

function init(args)
  local threads = tonumber(args[2])
  nonce, origin = args[3], args[4]
  local line_number = 0
  for line in io.lines(args[1]) do
    line_number = line_number + 1
    if (line_number - thread_id) % threads == 0 then
      local cookie, csrf, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(bookings, { cookie, csrf, body })
    end
  end
end

function request()
  local booking = bookings[next_booking]
  local dry_run = thread_id == 1 and not checked
  checked = true
  if booking == nil then
    if not dry_run then
      counters.exhausted = (counters.exhausted or 0) + 1
    end
    return wrk.format("GET", "/api/v1/appointments/healthz")
  end
  if not dry_run then
    next_booking = next_booking + 1
    sent = sent + 1
    counters.sent = sent
  end
  return wrk.format("POST", "/api/v1/appointments", {
    ["Cookie"] = booking[1],
    ["X-CSRF-Token"] = booking[2],
    ["Origin"] = origin,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = nonce .. "-" .. thread_id .. "-" .. sent,
  }, booking[3])
end
