-- Submit an application (POST /api/v1/fund/applications) as the 滕州市
-- caseworker for one of that district's children: a durable write with its
-- event and audit record.
package.path = "bench/wrk/?.lua;" .. package.path
local c = require("common")
local kids
setup = c.setup
function init(args)
  c.login("bench_cw_370481")
  kids = c.ids("children_370481")
end
function request()
  return wrk.format("POST", "/api/v1/fund/applications", nil, c.app_body(kids[math.random(#kids)]))
end
