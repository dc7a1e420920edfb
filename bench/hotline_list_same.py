#!/usr/bin/python3
"""bench/hotline_list_same.py — the appeal list and the dashboard answer the same on two builds.

    bench/hotline_list_same.py OLD_BIN OLD_DB NEW_BIN NEW_DB

Starts both servers (each on its own copy of the bench data set: a newer
schema cannot be opened by an older build), signs in as bench_op (made by
bench/hotline_search) and compares the JSON of the appeal list under its
filters, 待回访 and the dashboard, row for row. time_left_seconds is left out:
the two requests are not made in the same second. q is not compared: the
list's q became the full-text search (wip-hperf). Exit status 1 on any
difference.
"""
import json, subprocess, socket, time, urllib.request, urllib.parse, os, signal, sys
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def start(binary, db):
    port = free_port()
    p = subprocess.Popen([binary, "serve", "--db", db, "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    for _ in range(600):
        try: socket.create_connection(("127.0.0.1", port), timeout=0.2).close(); break
        except OSError: time.sleep(0.1)
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/session", data=json.dumps({"username": "bench_op", "password": "Bench-pass-2026"}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        cookie = r.headers["Set-Cookie"].split(";")[0]
    return p, port, cookie
def get(port, cookie, path):
    try:
        with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
old = start(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
new = start(os.path.abspath(sys.argv[3]), os.path.abspath(sys.argv[4]))
A = "/api/v1/hotline/appeals?"
qs = ["", "page=3", "warning=red", "warning=red&page=7&page_size=50", "warning=yellow", "warning=yellow&page_size=100", "warning=none", "warning=none&page=2",
      "status=signed", "status=closed&page=2", "status=rework&warning=red", "department_id=3", "department_id=3&warning=red", "district=370481", "district=370406&status=replied",
      "from=2026-10-01&to=2026-10-31", "from=2026-10-01&to=2026-10-31&district=370402", "category=gov", "category=gov.urban&page=2", "channel=wechat",
      "emergency=true", "emergency=false&status=signed", "programme_id=1", "warning=red&district=370402&category=gov", "status=dispatched&department_id=5&from=2026-01-01"]
paths = [A + q for q in qs] + ["/api/v1/hotline/callbacks-due", "/api/v1/hotline/callbacks-due?warning=red", "/api/v1/hotline/callbacks-due?warning=yellow",
         "/api/v1/hotline/callbacks-due?warning=none&page=2", "/api/v1/hotline/callbacks-due?warning=red&district=370481&page=3",
         "/api/v1/hotline/stats?from=2026-11-01&to=2026-11-29", "/api/v1/hotline/stats"]
bad = 0
try:
    for p in paths:
        a, b = get(old[1], old[2], p), get(new[1], new[2], p)
        def strip(x):
            if isinstance(x, dict):
                return {k: strip(v) for k, v in x.items() if k != "time_left_seconds"}
            if isinstance(x, (list, tuple)):
                return [strip(v) for v in x]
            return x
        a, b = strip(a), strip(b)
        same = a == b
        tot = a[1].get("total", a[1].get("overdue_total")) if isinstance(a[1], dict) else None
        print("same" if same else "DIFF", p, a[0], tot)
        if not same:
            bad += 1
            ja, jb = json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True)
            i = next((k for k in range(min(len(ja), len(jb))) if ja[k] != jb[k]), None)
            print("   old:", ja[max(0,i-200):i+200] if i is not None else ja[-200:])
            print("   new:", jb[max(0,i-200):i+200] if i is not None else jb[-200:])
finally:
    for s in (old, new):
        s[0].send_signal(signal.SIGTERM); s[0].wait(timeout=30)
print("differences:", bad)
sys.exit(1 if bad else 0)
