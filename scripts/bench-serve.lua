-- wrk script for scripts/bench-serve: POSTs SandboxFusion's /run_code with a trivial Python
-- snippet and checks every answer, so throughput only counts correct executions.
-- done() prints one `bench-serve:` line of key=value pairs that the bash script parses.
wrk.method = "POST"
wrk.path = "/run_code"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"code": "print(1+1)", "language": "python", "run_timeout": 10}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Per thread (each thread has its own Lua state); done() reads them through thread:get.
responses, ok, wrong, s429, s5xx, sother = 0, 0, 0, 0, 0, 0
sample = ""

function response(status, headers, body)
  responses = responses + 1
  if status == 200 then
    -- Raw JSON bytes: top-level status first (serde keeps field order) and stdout "2\n".
    if body:find('"status":"Success"', 1, true) and body:find('"stdout":"2\\n"', 1, true) then
      ok = ok + 1
    else
      wrong = wrong + 1
      if sample == "" then sample = body:sub(1, 400) end
    end
  elseif status == 429 then
    s429 = s429 + 1
  elseif status >= 500 then
    s5xx = s5xx + 1
    if sample == "" then sample = status .. " " .. body:sub(1, 400) end
  else
    sother = sother + 1
    if sample == "" then sample = status .. " " .. body:sub(1, 400) end
  end
end

function done(summary, latency, requests)
  local t = {responses = 0, ok = 0, wrong = 0, s429 = 0, s5xx = 0, sother = 0}
  local bad = ""
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + (thread:get(k) or 0)
    end
    local s = thread:get("sample")
    if bad == "" and s and s ~= "" then bad = s end
  end
  local e = summary.errors
  io.write(string.format(
    "bench-serve: responses=%d ok=%d wrong=%d s429=%d s5xx=%d sother=%d " ..
    "socket_errors=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f\n",
    t.responses, t.ok, t.wrong, t.s429, t.s5xx, t.sother,
    e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
  if bad ~= "" then
    io.write("bench-serve: first unexpected answer: " .. bad:gsub("\n", " ") .. "\n")
  end
end
