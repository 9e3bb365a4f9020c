#!/usr/bin/env bash
# The suites use Debian's packages, never binaries downloaded by a test tool: Chromium (/usr/bin/chromium) for the
# browser suite, nats-server for the cluster suite, and Autobahn|Python with its MessagePack and CBOR serializers
# (python3-autobahn, python3-msgpack, python3-cbor2, for /usr/bin/python3) for the RawSocket interop suite.
# Installs the missing ones with apt when allowed (root); otherwise says how.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
/usr/bin/python3 -c 'import autobahn, msgpack, cbor2' >/dev/null 2>&1 ||
  missing+=(python3-autobahn python3-msgpack python3-cbor2)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's ${missing[*]} for the test suites (apt-get install ${missing[*]})…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The test suites need Debian's ${missing[*]}: run 'sudo apt-get install ${missing[*]}', then 'pnpm test' again." >&2
exit 1
