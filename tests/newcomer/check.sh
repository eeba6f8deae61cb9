#!/usr/bin/env bash
# The newcomer check: `make run` in a throw-away copy with a fresh virtual environment and no
# Moselle variables set, then log in over HTTP as each demo role, see each home, and stop.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
copy=$(mktemp -d /tmp/moselle-newcomer.XXXXXX)
log="$copy.log"
cleanup() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$copy" "$log"
}
trap cleanup EXIT

if (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null; then
  echo "port 8000 is already in use; the newcomer check needs it free" >&2
  exit 1
fi

git clone --quiet "$here" "$copy/moselle"
cd "$copy/moselle"
# Only what a newcomer's shell has: no Moselle or database variables.
setsid env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 make run >"$log" 2>&1 &
pid=$!

for _ in $(seq 1 600); do
  if grep -q "serving at http://127.0.0.1:8000" "$log" && curl -fsS http://127.0.0.1:8000/health/ >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "make run stopped early:"; cat "$log"; exit 1
  fi
  sleep 1
done
curl -fsS http://127.0.0.1:8000/health/ >/dev/null || { echo "the server never answered"; tail -50 "$log"; exit 1; }

grep -q "manager@demo.moselle.lu" "$log" || { echo "make run did not print the demo log-ins"; cat "$log"; exit 1; }
"$here/.venv/bin/python" "$here/tests/newcomer/login_each_role.py" http://127.0.0.1:8000
echo "newcomer check passed"
