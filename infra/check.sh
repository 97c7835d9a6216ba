#!/usr/bin/env bash
# Static security checks of the Bicep templates with a pinned checkov.
# Fails on any failed check, on any file checkov cannot parse (an unparsed file is an unchecked file) and on any
# inline skip without a reason. Usage: bash infra/check.sh   (from anywhere; creates .venv-infra on first use)
set -euo pipefail

CHECKOV_VERSION="3.3.30"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-infra"
CHECKOV="$VENV/bin/checkov"

if [[ ! -x "$CHECKOV" ]] || [[ "$("$CHECKOV" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]]; then
  echo "installing checkov $CHECKOV_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

# Every inline skip must say why: `//checkov:skip=CKV_...:<reason>`.
unexplained="$(grep -rnE 'checkov:skip=[A-Z0-9_]+[[:space:]]*(:[[:space:]]*)?$' "$ROOT/infra" --include='*.bicep' || true)"
if [[ -n "$unexplained" ]]; then
  echo "checkov skips without a reason:" >&2
  echo "$unexplained" >&2
  exit 1
fi

# A private working directory: no stray .checkov.yaml there can add skips or soft-fail settings.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

status=0
(cd "$workdir" && "$CHECKOV" -d "$ROOT/infra" --framework bicep --skip-download --compact \
  --output cli --output json --output-file-path "console,$workdir/report.json") || status=$?

json="$workdir/report.json"
if [[ ! -s "$json" ]]; then
  echo "infra check: checkov wrote no report (exit status $status)" >&2
  exit 1
fi

"$VENV/bin/python" - "$json" "$status" <<'PY'
import json
import sys

path, status = sys.argv[1], int(sys.argv[2])
with open(path) as handle:
    data = json.load(handle)
reports = data if isinstance(data, list) else [data]
failed = parsing = passed = skipped = 0
for report in reports:
    summary = report.get("summary", {})
    failed += summary.get("failed", 0)
    passed += summary.get("passed", 0)
    skipped += summary.get("skipped", 0)
    parsing += summary.get("parsing_errors", 0)
    for error in report.get("results", {}).get("parsing_errors", []):
        print(f"checkov could not parse {error}", file=sys.stderr)
print(f"infra check: {passed} passed, {failed} failed, {skipped} skipped inline, {parsing} parsing errors")
if passed == 0 and failed == 0:
    print("infra check: checkov evaluated nothing", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if failed or parsing or status else 0)
PY
