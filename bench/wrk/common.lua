-- Shared by the bench scripts: sign in once per wrk thread (in init, with
-- curl, because wrk's own connections are not available before the run),
-- then carry the session cookie and the CSRF token on every request.
--
-- Environment (set by bench/run):
--   BENCH_URL       http://127.0.0.1:PORT of the huimin server
--   BENCH_PASSWORD  the bench users' password (bench/gen)
--   BENCH_IDS_DIR   directory of id lists written by bench/run
local M = {}

function M.login(user)
  local url = os.getenv("BENCH_URL")
  local pw = os.getenv("BENCH_PASSWORD") or "Bench-pass-2026"
  local cmd = string.format(
    "curl -s -i -H 'Content-Type: application/json' -d '{\"username\":\"%s\",\"password\":\"%s\"}' %s/api/v1/session",
    user, pw, url)
  local f = assert(io.popen(cmd))
  local out = f:read("*a")
  f:close()
  local cookie = out:match("[Ss]et%-[Cc]ookie: (hm_session=[^;\r\n]+)")
  local csrf = out:match('"csrf_token"%s*:%s*"([^"]+)"')
  if not cookie or not csrf then
    io.stderr:write("bench: login as " .. user .. " failed:\n" .. out .. "\n")
    os.exit(1)
  end
  wrk.headers["Cookie"] = cookie
  wrk.headers["X-CSRF-Token"] = csrf
  wrk.headers["Content-Type"] = "application/json"
end

-- A list of integers, one per line, from BENCH_IDS_DIR/name.
function M.ids(name)
  local dir = os.getenv("BENCH_IDS_DIR") or "bench/tmp"
  local t = {}
  for line in io.lines(dir .. "/" .. name) do
    t[#t + 1] = tonumber(line)
  end
  assert(#t > 0, "bench: no ids in " .. name)
  return t
end

-- Give each thread its own number (0, 1, …) so write scripts can take
-- disjoint slices of the prepared records.
local counter = 0
function M.setup(thread)
  thread:set("thread_no", counter)
  counter = counter + 1
end

-- A filtered, paged list as the dashboards and work queues ask for it.
local districts = { "", "370481", "370402", "370406" }
local statuses = { "", "submitted", "accepted", "reviewed", "approved", "paid" }
local categories = { "", "", "left_behind", "key_distress", "ill_low_income" }
function M.list_path(fixed_district)
  local q = {}
  local d = fixed_district or districts[math.random(#districts)]
  if d ~= "" and not fixed_district then q[#q + 1] = "district=" .. d end
  local s = statuses[math.random(#statuses)]
  if s ~= "" then q[#q + 1] = "status=" .. s end
  local c = categories[math.random(#categories)]
  if c ~= "" then q[#q + 1] = "category=" .. c end
  q[#q + 1] = "page=" .. math.random(1, 5)
  q[#q + 1] = "page_size=20"
  return "/api/v1/fund/applications?" .. table.concat(q, "&")
end

local body_n = 0
function M.app_body(child_id)
  body_n = body_n + 1
  return string.format(
    '{"child_id":%d,"applicant_type":"guardian","applicant_name":"王奶奶","applicant_relation":"祖母",' ..
    '"aid":{"living":%d},"services":["psych"],"description":"压测申请 %d：父母外出务工，祖母年老多病"}',
    child_id, 100000 + (body_n % 50) * 1000, body_n)
end

return M
