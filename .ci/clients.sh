#!/usr/bin/env bash
# Makes sure the AWS clients the end-to-end suite drives are here: boto3
# and the AWS CLI (Debian's packages where missing; the tests give them the
# repository's model, internal/apigen/model, through AWS_DATA_PATH, so
# their age does not matter) and the JavaScript SDK v3 (npm ci into
# e2e/testdata/js).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
python3 -c "import boto3" 2>/dev/null || missing+=(python3-boto3)
command -v aws >/dev/null || missing+=(awscli)
command -v node >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
	echo "clients: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "clients: npm ci (JavaScript SDK)"
npm ci --prefix e2e/testdata/js --no-audit --no-fund --loglevel=error
