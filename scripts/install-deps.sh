#!/usr/bin/env bash
# Installs the Debian packages looppost needs to build, test and run, when any is missing.
# As root it runs apt-get; otherwise it prints the one apt-get line to run and fails.
set -euo pipefail

build=(cmake g++ make pkg-config ca-certificates)
libs=(libcli11-dev libsqlite3-dev libsqlitecpp-dev libcurl4-openssl-dev nlohmann-json3-dev
      libsodium-dev libfmt-dev doctest-dev libcpp-httplib-dev libqrencode-dev
      libhowardhinnant-date-dev libvips-dev libavformat-dev libavcodec-dev libavutil-dev)
# tzdata: time zones; groff-base: the man page lint; faketime: tests that move looppost's clock;
# sqlite3: the reference in the benchmarks; ffmpeg: makes the test and demo videos;
# python3-jsonschema: the export tests validate the document against man/export.schema.json
tools=(tzdata groff-base faketime sqlite3 ffmpeg python3 python3-jsonschema)

packages=("${build[@]}" "${libs[@]}" "${tools[@]}")
if [ "${1:-}" = "--bench" ]; then
  # hyperfine times commands; vipsthumbnail is the photo reference; time reports peak memory;
  # curl is the upload reference and jq reads the sandbox's answers (bench/publish.sh)
  packages+=(hyperfine libvips-tools time curl jq)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: no dpkg here; install the equivalents of: ${packages[*]}" >&2
  exit 1
fi

# The S3 integration test's server: s3rver and AWS's signing library, from npm (tests/s3). Node
# and npm are not Debian packages here (the machines have node 20 from elsewhere); without them
# the S3 test fails and says so.
install_s3_test_deps() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/s3"
  [ -d "$dir/node_modules" ] && return 0
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: node and npm not found: the S3 media host test will fail until they are" \
      "installed (then run this again)" >&2
    return 0
  fi
  echo "install-deps: npm ci in tests/s3" >&2
  (cd "$dir" && npm ci --no-audit --no-fund >&2)
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_s3_test_deps
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages; run:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
install_s3_test_deps
