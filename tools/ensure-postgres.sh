#!/bin/sh
# The SQL tests start a throwaway PostgreSQL server of their own (volunteer_core.testing.postgres) and need
# its binaries (initdb, pg_ctl). On a machine without them, install them with apt-get when we may (root on
# Debian/Ubuntu); otherwise say how. VOLUNTEER_CORE_SKIP_POSTGRES=1 skips those tests, and this step.
set -eu
if [ "${VOLUNTEER_CORE_SKIP_POSTGRES:-}" = "1" ]; then
  exit 0
fi
if command -v initdb >/dev/null 2>&1; then
  exit 0
fi
for initdb in /usr/lib/postgresql/*/bin/initdb; do
  if [ -x "$initdb" ]; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server binaries not found: installing them (apt-get install postgresql) for the SQL tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  exit 0
fi
echo "PostgreSQL server binaries not found: install them (apt-get install postgresql)," \
  "or set VOLUNTEER_CORE_SKIP_POSTGRES=1 to skip the PostgreSQL tests" >&2
exit 1
