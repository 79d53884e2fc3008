#!/usr/bin/env bash
# Installs what OpowerStream needs from Debian's packages on a fresh Debian 12 machine (run as root
# or with sudo available). Idempotent: does nothing when everything is already there.
#   librdkafka-dev   the native Kafka client and its in-memory mock cluster (the embedded broker)
#   python3-avro     Apache Avro for Python, the interoperability peer of our Avro codec
#   avro-bin         Apache Avro's C tools (avrocat), likewise
#   kcat, sqlite3    baselines of the benchmark harness
set -euo pipefail

packages=(librdkafka-dev python3-avro avro-bin kcat sqlite3)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} ..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
