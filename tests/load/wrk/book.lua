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
  if booking == nil then
    counters.exhausted = (counters.exhausted or 0) + 1
    return wrk.format("GET", "/api/v1/appointments/healthz")
  end
  next_booking = next_booking + 1
  sent = sent + 1
  counters.sent = sent
  return wrk.format("POST", "/api/v1/appointments", {
    ["Cookie"] = booking[1],
    ["X-CSRF-Token"] = booking[2],
    ["Origin"] = origin,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = nonce .. "-" .. thread_id .. "-" .. sent,
  }, booking[3])
end
