-- Read one application (GET /api/v1/fund/applications/{id}) as the city
-- leader, ids drawn uniformly from every application.
package.path = "bench/wrk/?.lua;" .. package.path
local c = require("common")
local ids
setup = c.setup
function init(args)
  c.login("bench_lead")
  ids = c.ids("apps_all")
end
function request()
  return wrk.format("GET", "/api/v1/fund/applications/" .. ids[math.random(#ids)])
end
