-- The HTTP ceiling: nginx serving a static 1 KB JSON file.
function request()
  return wrk.format("GET", "/static.json")
end
