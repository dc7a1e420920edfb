#!/usr/bin/env python3
"""make security: sqlmap against every route that takes parameters.

Starts a release server on a fresh database with one user per role, signs
each in, and for every operation in docs/openapi.yaml that takes query,
path or JSON body parameters runs sqlmap (Debian's package) as a user
allowed to call it, with the session cookie and the CSRF token. Exits 1 if
sqlmap reports any injection point. SECURITY_LIMIT=N tests only N routes;
SECURITY_LEVEL / SECURITY_RISK pass through to sqlmap (default 1/1).
"""
import json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request
import http.cookiejar

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("HUIMIN_BIN", os.path.join(ROOT, "huimin"))
PASSWORD = "Security-test-2026"
USERS = [("cw", "caseworker", "370402"), ("rv", "reviewer", "370402"), ("ap", "approver", "370400"),
         ("fin", "finance", "370400"), ("adm", "admin", "370400"), ("lead", "leader", "370400"),
         ("op", "hotline_operator", "370400"), ("sup", "hotline_supervisor", "370400"),
         ("clerk", "dept_clerk", "370400"), ("bt", "butler", "370406"), ("badm", "butler_admin", "370406")]


def route_perms():
    src = open(os.path.join(ROOT, "src/http/routes.c"), encoding="utf-8").read()
    out = {}
    for m in re.finditer(r'\{"(GET|POST|PUT|DELETE|PATCH)",\s*"([^"]+)",\s*\w+,\s*([^,]+),\s*(NULL|"[^"]*")', src):
        out[(m.group(1), m.group(2))] = (m.group(3), None if m.group(4) == "NULL" else m.group(4).strip('"'))
    return out


def sample(schema, spec):
    """A plausible value for a JSON schema (refs resolved), for sqlmap to vary."""
    if not isinstance(schema, dict):
        return "a"
    if "$ref" in schema:
        node = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node.get(part, {})
        return sample(node, spec)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    t = schema.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"][0]
    if t == "object" or "properties" in schema:
        return {k: sample(v, spec) for k, v in (schema.get("properties") or {}).items()}
    if t == "array":
        return [sample(schema.get("items", {}), spec)]
    if t == "integer":
        return 1
    if t == "boolean":
        return False
    return "a"


def main():
    subprocess.run(["make", "-s", "huimin"], cwd=ROOT, check=True)
    spec = yaml.safe_load(open(os.path.join(ROOT, "docs/openapi.yaml"), encoding="utf-8"))
    perms = route_perms()
    work = tempfile.mkdtemp(prefix="huimin-security-")
    db = os.path.join(work, "h.db")
    subprocess.run([BIN, "init", "--db", db], check=True, stdout=subprocess.DEVNULL)
    for name, role, org in USERS:
        subprocess.run([BIN, "user", "add", "--db", db, "--username", name, "--role", role, "--org", org,
                        "--password-stdin"], input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
    srv = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:0", "--web", ""],
                           stdout=subprocess.PIPE, stderr=open(os.path.join(work, "server.log"), "w"), text=True)
    line = srv.stdout.readline()
    base = re.search(r"(http://[\d.]+:\d+)", line).group(1)
    def sign_in(name):
        req = urllib.request.Request(base + "/api/v1/session", method="POST",
                                     data=json.dumps({"username": name, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            cookie = r.headers["Set-Cookie"].split(";")[0]
            body = json.loads(r.read())
        return cookie, body["csrf_token"], set(body["user"]["permissions"])

    sessions = {name: sign_in(name) for name, _, _ in USERS}

    targets = []
    for path, ops in spec["paths"].items():
        if not isinstance(ops, dict):
            continue
        for method, op in ops.items():
            if method.upper() not in ("GET", "POST", "PUT", "DELETE", "PATCH") or not isinstance(op, dict):
                continue
            params = [p for p in op.get("parameters", []) if isinstance(p, dict) and p.get("in") in ("query", "path")]
            body = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
            if not params and not body:
                continue
            targets.append((method.upper(), path, params, body))
    limit = int(os.environ.get("SECURITY_LIMIT", "0") or 0)
    if limit:
        targets = targets[:limit]

    findings, tested = [], 0
    for method, path, params, body in targets:
        flags, perm = perms.get((method, path), ("", None))
        user = next((n for n, (_, _, p) in sessions.items() if perm is None or perm in p), "cw")
        # a fresh session each time: an earlier target (disable a user,
        # change a password) may have ended the last one
        try:
            sessions[user] = sign_in(user)
        except Exception as ex:  # a disabled user: say so rather than test nothing
            print(f"# cannot sign in as {user}: {ex}", flush=True)
        cookie, csrf, _ = sessions[user]
        # record 1 exists for most paths; the test users must not be disabled
        first = "999*" if path.startswith("/api/v1/users/") else "1*"
        url_path = re.sub(r"\{[a-z_]+\}", lambda m: "2027*" if m.group(0) == "{year}" else first, path)
        query = [f"{p['name']}={sample(p.get('schema', {}), spec)}" for p in params if p.get("in") == "query"
                 and p["name"] not in ("format", "page", "page_size")]
        url = base + url_path + ("?" + "&".join(str(q) for q in query) if query else "")
        cmd = ["sqlmap", "-u", url, "--batch", "--smart", "--flush-session", "--disable-coloring",
               f"--level={os.environ.get('SECURITY_LEVEL', '1')}", f"--risk={os.environ.get('SECURITY_RISK', '1')}",
               "--cookie", cookie, "--drop-set-cookie", "--headers", f"X-CSRF-Token: {csrf}",
               "--output-dir", os.path.join(work, "sqlmap"), "--method", method, "--timeout", "10", "--retries", "0"]
        if body is not None:
            cmd += ["--data", json.dumps(sample(body, spec), ensure_ascii=False)]
        t0 = time.time()
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        tested += 1
        hit = "identified the following injection point" in out or re.search(r"parameter '.*' is vulnerable", out)
        print(f"{'not ok' if hit else 'ok'} {tested} - {method} {path} as {user} ({time.time() - t0:.0f} s)", flush=True)
        if hit:
            findings.append(f"{method} {path}\n{out[-3000:]}")

    srv.terminate()
    srv.wait(timeout=15)
    for f in findings:
        print(f, file=sys.stderr)
    print(f"{tested - len(findings)} passed, {len(findings)} failed")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
