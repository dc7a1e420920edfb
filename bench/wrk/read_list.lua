-- A filtered, paged list of applications (district, status, category,
-- pages 1–5 of 20) as the city leader.
package.path = "bench/wrk/?.lua;" .. package.path
local c = require("common")
setup = c.setup
function init(args)
  c.login("bench_lead")
end
function request()
  return wrk.format("GET", c.list_path())
end
