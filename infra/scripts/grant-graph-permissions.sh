#!/usr/bin/env bash
# Give the app's managed identity the Microsoft Graph application roles it needs (tenant-wide):
# Calendars.ReadWrite (archive, live rules) and Files.ReadWrite.All (timesheets uploaded to the users' OneDrive).
# Needs an Entra ID admin able to grant app roles (Privileged Role Administrator or Global Administrator).
# Bicep cannot grant Graph app roles, hence this script. Idempotent: an existing grant is left as it is.
#
#   bash infra/scripts/grant-graph-permissions.sh [principal-object-id]
#
# Without an argument the principal is read from the azd environment (APP_IDENTITY_PRINCIPAL_ID).
# To limit the app to some mailboxes, do NOT run this: use Exchange Online RBAC for Applications instead
# (README.md, "Graph permissions and authentication" > "Limiting the app to some mailboxes").
set -euo pipefail

GRAPH_APP_ID="00000003-0000-0000-c000-000000000000"
ROLES="${GRAPH_APP_ROLES:-Calendars.ReadWrite Files.ReadWrite.All}"

principal="${1:-}"
if [[ -z "$principal" ]]; then
  principal="$(azd env get-value APP_IDENTITY_PRINCIPAL_ID)"
fi

graph_sp="$(az ad sp show --id "$GRAPH_APP_ID" --query id -o tsv)"

grant() {
  local role="$1" role_id existing
  role_id="$(az ad sp show --id "$GRAPH_APP_ID" \
    --query "appRoles[?value=='$role' && contains(allowedMemberTypes, 'Application')].id | [0]" -o tsv)"
  if [[ -z "$role_id" ]]; then
    echo "Microsoft Graph has no application role named $role" >&2
    return 1
  fi
  existing="$(az rest --method GET \
    --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$principal/appRoleAssignments" \
    --query "value[?appRoleId=='$role_id' && resourceId=='$graph_sp'].id | [0]" -o tsv)"
  if [[ -n "$existing" ]]; then
    echo "$role is already granted to $principal"
    return 0
  fi
  az rest --method POST \
    --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$principal/appRoleAssignments" \
    --headers "Content-Type=application/json" \
    --body "{\"principalId\": \"$principal\", \"resourceId\": \"$graph_sp\", \"appRoleId\": \"$role_id\"}" \
    --output none
  echo "granted Microsoft Graph $role to $principal"
}

for role in $ROLES; do
  grant "$role"
done
