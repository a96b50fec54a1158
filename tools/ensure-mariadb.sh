#!/bin/sh
# The SQL tests start a throwaway MariaDB server of their own (volunteer_core.testing.mariadb) and need its
# binaries (mariadbd, mariadb-install-db). On a machine without them, install them with apt-get when we may
# (root on Debian/Ubuntu); otherwise say how. VOLUNTEER_CORE_SKIP_MARIADB=1 skips those tests, and this step.
set -eu
if [ "${VOLUNTEER_CORE_SKIP_MARIADB:-}" = "1" ]; then
  exit 0
fi
found() {
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1 || [ -x "/usr/sbin/$name" ] || [ -x "/usr/bin/$name" ]; then
      return 0
    fi
  done
  return 1
}
if found mariadbd mysqld && found mariadb-install-db mysql_install_db; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "MariaDB server binaries not found: installing them (apt-get install mariadb-server) for the SQL tests"
  apt-get update -qq
  # the package's own service is never started here: the tests start a server of their own
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null
  exit 0
fi
echo "MariaDB server binaries not found: install them (apt-get install mariadb-server)," \
  "or set VOLUNTEER_CORE_SKIP_MARIADB=1 to skip the MariaDB tests" >&2
exit 1
