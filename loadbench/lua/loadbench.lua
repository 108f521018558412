-- wrk script of scripts/loadbench, one for every case.
--
-- Environment (read by every Lua state wrk makes):
--   LB_METHOD  GET or POST (default GET)
--   LB_AUTH    the Authorization header, if any
--   LB_BODY    a fixed form body (POST)
--   LB_WALK    a file of tokens, one a line: each request then revokes the
--              next one (body token=<it>), so no two requests, and hence no
--              two connections, ever send the same token; once they are all
--              used the run stops early. Run with -t1: the counter lives in
--              the one thread's Lua state, which serves every connection.
--
-- `response` counts the answers outside 2xx and `done` prints them, with
-- how many requests went past the end of the token file: the script flags
-- a run with any answer outside 2xx, or with more overrun than connections.

wrk.method = os.getenv("LB_METHOD") or "GET"
local auth = os.getenv("LB_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
if wrk.method == "POST" then
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local body = os.getenv("LB_BODY")
if body and body ~= "" then
  wrk.body = body
end

-- Globals, so that `done` can read them from each thread with `get`.
non2xx = 0
walked = 0
ntokens = 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local walk = os.getenv("LB_WALK")
local now = nil
if walk and walk ~= "" then
  local tokens = nil

  -- wrk's own Requests/sec divides by the whole duration even when the
  -- thread stopped early, so a walk times itself: from its first request
  -- to its last answer, on the monotonic clock (LuaJIT's ffi, vDSO-cheap).
  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_nsec; } lb_timespec;
    int clock_gettime(int clock, lb_timespec *tp);
  ]])
  local ts = ffi.new("lb_timespec")
  now = function()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
  end
  first_sent, last_answer, answered = 0, 0, 0

  function init(args)
    tokens = {}
    for line in io.lines(walk) do
      tokens[#tokens + 1] = line
    end
    ntokens = #tokens
  end

  function request()
    walked = walked + 1
    if walked == 1 then
      first_sent = now()
    end
    if walked > ntokens then
      -- Every token is revoked: end the run here (wrk then reports the
      -- rate over the time it actually ran). The few requests already
      -- being written (at most one a connection) revoke a token nobody
      -- holds, and are counted as the overrun.
      wrk.thread:stop()
      return wrk.format(nil, nil, nil, "token=loadbench-exhausted")
    end
    return wrk.format(nil, nil, nil, "token=" .. tokens[walked])
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

if walk and walk ~= "" then
  local count = response
  function response(status, headers, body)
    count(status, headers, body)
    answered = answered + 1
    last_answer = now()
  end
end

function done(summary, latency, requests)
  local bad, overrun = 0, 0
  local answered_all, seconds = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    local count = thread:get("walked")
    local available = thread:get("ntokens")
    if count > 0 then
      overrun = overrun + math.max(0, count - available)
      answered_all = answered_all + thread:get("answered")
      seconds = math.max(seconds, thread:get("last_answer") - thread:get("first_sent"))
    end
  end
  io.write(string.format("loadbench: non2xx=%d overrun=%d\n", bad, overrun))
  if seconds > 0 then
    io.write(string.format("loadbench: walk answered=%d seconds=%.3f rps=%.2f\n",
      answered_all, seconds, answered_all / seconds))
  end
end
