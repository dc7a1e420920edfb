-- 90/10: a district caseworker's day — 90% reads (one application of the
-- district, or a filtered page of its list), 10% writes (submit an
-- application). One session, the 滕州市 caseworker.
package.path = "bench/wrk/?.lua;" .. package.path
local c = require("common")
local kids, apps
setup = c.setup
function init(args)
  c.login("bench_cw_370481")
  kids = c.ids("children_370481")
  apps = c.ids("apps_370481")
end
function request()
  local r = math.random(100)
  if r <= 10 then
    return wrk.format("POST", "/api/v1/fund/applications", nil, c.app_body(kids[math.random(#kids)]))
  elseif r <= 55 then
    return wrk.format("GET", "/api/v1/fund/applications/" .. apps[math.random(#apps)])
  else
    return wrk.format("GET", c.list_path("370481"))
  end
end
