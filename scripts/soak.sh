#!/usr/bin/env bash
# The long form of the reliability suite: the same tests as CI with bigger numbers. Everything runs on
# 127.0.0.1 and ends by itself. Override the sizes through the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHURN_LIFECYCLES=${CHURN_LIFECYCLES:-100000}
export SLOW_CONSUMER_MIB=${SLOW_CONSUMER_MIB:-1024}
export FUZZ_MESSAGES=${FUZZ_MESSAGES:-10000}
pnpm turbo run build --filter=@wamp/router... --output-logs=errors-only
echo "soak: ${CHURN_LIFECYCLES} lifecycles, ${SLOW_CONSUMER_MIB} MiB to a stalled subscriber, ${FUZZ_MESSAGES} fuzzed messages per serializer"
pnpm exec vitest run --project tests tests/reliability tests/fuzz
