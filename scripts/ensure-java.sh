#!/usr/bin/env bash
# A Java 17+ runtime for local Spark (PySpark 4 needs 17 or later).
set -euo pipefail
version() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if command -v java >/dev/null 2>&1 && [ "$(version)" -ge 17 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  echo "fupin: installing a Java 17 runtime from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
else
  echo "fupin: Spark needs Java 17 or later (apt-get install openjdk-17-jre-headless)" >&2
  exit 1
fi
