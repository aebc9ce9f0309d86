"""Issue 17: times what a user waits for when they import a tape through the upload form and value the
package it made through the valuation form, from the POST to its answer (the result, or the run's
progress page). Against a running `huajie demo` (requests needed):

    python3 scripts/bench-web-runs.py http://127.0.0.1:PORT TAPE.csv NEW-PACKAGE-CODE PASSWORD [skip-import]

docs/performance.md, "Issue 17 — runs in the background", has the figures."""
import re, sys, time, requests

base, tape, code = sys.argv[1], sys.argv[2], sys.argv[3]
s = requests.Session()
def login(user):
    s.cookies.clear()
    page = s.get(f"{base}/login").text
    tok = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = s.post(f"{base}/login", data={"csrf": tok, "username": user, "password": sys.argv[4]}, allow_redirects=False)
    assert r.status_code == 303, r.text[:300]
login("acquisition")
page = s.get(f"{base}/imports/new").text
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
data = open(tape, "rb").read()
fields = {"csrf": csrf, "package": code, "package_name": code, "transferor_name": "钱江农村商业银行",
          "transferor_id": "91330100MA2AYA1GX3", "cutoff": "2026-06-30", "policy": "partial", "personal": "1",
          "action": "import"}
if len(sys.argv) > 5:
    where = ""
else:
  t0 = time.monotonic()
  r = s.post(f"{base}/imports", data=fields, files={"file": ("tape.csv", data, "text/csv")}, allow_redirects=False)
  t_import = time.monotonic() - t0
  where = r.headers.get("location", "")
  # Wait for the import to be in (the run's page leads to the report once done).
  while where.startswith("/runs/"):
      time.sleep(0.2)
      rr = s.get(f"{base}{where}", allow_redirects=False)
      if rr.status_code == 303:
          where = rr.headers["location"]
  print(f"import POST answered in {t_import:.2f} s with {r.status_code} → {r.headers.get('location','')} (ends at {where})")
login("valuer")
listed = s.get(f"{base}/api/v1/packages").json()["data"]
listed = listed.get("items", listed) if isinstance(listed, dict) else listed
pid = next(p["id"] for p in listed if p.get("code") == code)
page = s.get(f"{base}/packages/{pid}/valuation").text
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
t0 = time.monotonic()
r = s.post(f"{base}/packages/{pid}/valuation", data={"csrf": csrf, "set": "1", "irr": "15%", "scenarios": "1000", "seed": "7"}, allow_redirects=False)
t_val = time.monotonic() - t0
print(f"valuation POST (package {pid}, 1000 scenarios) answered in {t_val:.2f} s with {r.status_code} → {r.headers.get('location','')}")
