-- Pay an approved application (POST /api/v1/fund/applications/{id}/pay) as
-- finance: a journal entry, the application update, its event and audit
-- record. Each thread pays its own slice of the approved applications that
-- bench/gen prepared, each one once (bench/run rewrites the list with the ones still unpaid before each run); when the slice is used up the requests
-- become 409 (counted by wrk as non-2xx, reported by bench/run).
package.path = "bench/wrk/?.lua;" .. package.path
local c = require("common")
local ids, pos, step
setup = function(thread)
  c.setup(thread)
  thread:set("nthreads", tonumber(os.getenv("BENCH_THREADS") or "2"))
end
function init(args)
  c.login("bench_fin")
  ids = c.ids("apps_approved")
  pos = tonumber(os.getenv("BENCH_PAY_OFFSET") or "0") + thread_no + 1
  step = nthreads
end
function request()
  local id = ids[pos]
  if not id then id = ids[#ids] end
  pos = pos + step
  return wrk.format("POST", "/api/v1/fund/applications/" .. id .. "/pay", nil, '{"note":"bench"}')
end
