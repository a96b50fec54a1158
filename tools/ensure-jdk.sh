#!/bin/sh
# tests/http/test_live_java.py compiles and runs the Java 17 client of the HTTP service
# (examples/java/WishLifecycle.java) and needs a JDK of version 17 or later (javac and java). On a machine
# without one, install Debian's openjdk-17-jdk-headless with apt-get when we may (root on Debian/Ubuntu);
# otherwise say how. The test finds javac on the PATH or under /usr/lib/jvm/*/bin.
set -eu
# the major version of a javac ("javac 17.0.15" → 17; "javac 1.8.0_392" → 8)
major() {
  "$1" -version 2>&1 | sed -n 's/^javac \(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' | head -n 1
}
for javac in "$(command -v javac || true)" /usr/lib/jvm/*/bin/javac; do
  if [ -n "$javac" ] && [ -x "$javac" ] && [ -x "$(dirname "$javac")/java" ]; then
    version="$(major "$javac")"
    if [ -n "$version" ] && [ "$version" -ge 17 ]; then
      exit 0
    fi
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "No JDK 17 or later found: installing it (apt-get install openjdk-17-jdk-headless) for the Java client test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null
  exit 0
fi
echo "No JDK 17 or later found (javac): install one (apt-get install openjdk-17-jdk-headless)" >&2
exit 1
