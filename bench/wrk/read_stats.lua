-- The dashboard figures (GET /api/v1/fund/stats) as the city leader.
package.path = "bench/wrk/?.lua;" .. package.path
local c = require("common")
setup = c.setup
function init(args)
  c.login("bench_lead")
end
function request()
  return wrk.format("GET", "/api/v1/fund/stats")
end
