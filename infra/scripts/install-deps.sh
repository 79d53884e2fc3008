#!/usr/bin/env bash
# Installs what OpowerStream needs from Debian's packages on a fresh Debian 12 machine (run as root
# or with sudo available). Idempotent: does nothing when everything is already there.
# librdkafka is not among them: the processes load the build shipped in the librdkafka.redist NuGet package
# (OpowerStream.Kafka's BundledLibRdKafka), even where kcat has brought Debian's librdkafka1 along.
#   python3-avro     Apache Avro for Python, an independent interoperability peer of Apache.Avro and our codec
#   kcat, sqlite3    baselines of the benchmark harness
#   chromium         headless browser the tests load the HTML report in (console errors, screenshot)
#   docker-compose   validates docker-compose.yml without a Docker engine (`docker-compose config`)
#   prometheus       promtool checks infra/prometheus; a real server runs every dashboard query in a test
set -euo pipefail

packages=(python3-avro kcat sqlite3 chromium docker-compose prometheus)
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
