"""The security properties the deployment promises, read from infra/**/*.bicep (no Bicep CLI needed).

checkov looks at the same resources with generic rules; these checks pin what this app relies on: storage without
keys, a Key Vault on RBAC only, HTTPS/TLS 1.2/no FTP, a Flex Consumption Python 3.11 app running as a user-assigned
identity, no secret in the app settings, and the data-plane roles of that identity. Each check is also run on a
template with the property changed, to show that it catches the change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.unit.infra.bicep import BicepFile, Declaration, Expr, Loop, parse_bicep

ROOT = Path(__file__).resolve().parents[3]
INFRA = ROOT / "infra"

BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"
TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"

# Settings whose names look secret but which only point at a secret or identify a resource.
NOT_SECRETS = {
    "KEY_VAULT_URL": "the vault's address",
    "GRAPH_CLIENT_SECRET_NAME": "the name of the vault secret the app reads itself",
    "GRAPH_CERTIFICATE_NAME": "the name of the vault certificate the app reads itself",
    "APPLICATIONINSIGHTS_CONNECTION_STRING": "identifies the component; local auth is off, ingestion needs a token",
}
SECRET_LOOKING = re.compile(r"SECRET|PASSWORD|PWD|KEY|TOKEN|CONNECTION_?STRING|SAS", re.IGNORECASE)
KEY_VAULT_REFERENCE = re.compile(r"^@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}/secrets/[^/()]+/?[^()]*\)$")

Templates = dict[str, BicepFile]


def load(texts: dict[str, str]) -> Templates:
    return {name: parse_bicep(text, Path(name)) for name, text in texts.items()}


def template_texts() -> dict[str, str]:
    return {str(p.relative_to(INFRA)): p.read_text(encoding="utf-8") for p in sorted(INFRA.rglob("*.bicep"))}


def resources(templates: Templates, type_name: str) -> list[tuple[BicepFile, Declaration]]:
    return [(f, r) for f in templates.values() for r in f.resources(type_name)]


def body(declaration: Declaration) -> dict[str, Any]:
    value = declaration.value.body if isinstance(declaration.value, Loop) else declaration.value
    assert isinstance(value, dict), f"{declaration.name} has no object body"
    return value


def dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


# --- the checks: each returns the problems it finds ----------------------------------------------------------------


def storage_problems(templates: Templates) -> list[str]:
    accounts = resources(templates, "Microsoft.Storage/storageAccounts")
    if not accounts:
        return ["no storage account"]
    problems = []
    for _, account in accounts:
        properties = body(account).get("properties", {})
        if properties.get("allowSharedKeyAccess") is not False:
            problems.append(f"storage account {account.name}: allowSharedKeyAccess must be false")
        if properties.get("minimumTlsVersion") != "TLS1_2":
            problems.append(f"storage account {account.name}: minimumTlsVersion must be TLS1_2")
        if properties.get("supportsHttpsTrafficOnly") is not True:
            problems.append(f"storage account {account.name}: supportsHttpsTrafficOnly must be true")
    return problems


def key_vault_problems(templates: Templates) -> list[str]:
    vaults = resources(templates, "Microsoft.KeyVault/vaults")
    if not vaults:
        return ["no Key Vault"]
    problems = []
    for _, vault in vaults:
        properties = body(vault).get("properties", {})
        for flag in ("enableRbacAuthorization", "enablePurgeProtection", "enableSoftDelete"):
            if properties.get(flag) is not True:
                problems.append(f"Key Vault {vault.name}: {flag} must be true")
        retention = properties.get("softDeleteRetentionInDays")
        if not isinstance(retention, int) or not 7 <= retention <= 90:
            problems.append(f"Key Vault {vault.name}: softDeleteRetentionInDays must be 7 to 90")
        if "accessPolicies" in properties:
            problems.append(f"Key Vault {vault.name}: accessPolicies must not be used (RBAC only)")
    if resources(templates, "Microsoft.KeyVault/vaults/accessPolicies"):
        problems.append("Key Vault access policies are declared (RBAC only)")
    return problems


def function_apps(templates: Templates) -> list[tuple[BicepFile, Declaration]]:
    return [(f, s) for f, s in resources(templates, "Microsoft.Web/sites") if "functionapp" in str(body(s).get("kind"))]


def transport_problems(templates: Templates) -> list[str]:
    apps = function_apps(templates)
    if not apps:
        return ["no function app"]
    problems = []
    for template, site in apps:
        properties = body(site).get("properties", {})
        if properties.get("httpsOnly") is not True:
            problems.append(f"function app {site.name}: httpsOnly must be true")
        if dig(properties, "siteConfig", "minTlsVersion") != "1.2":
            problems.append(f"function app {site.name}: siteConfig.minTlsVersion must be '1.2'")
        if dig(properties, "siteConfig", "ftpsState") != "Disabled":
            problems.append(f"function app {site.name}: siteConfig.ftpsState must be 'Disabled'")
        policies = {body(p).get("name"): body(p) for p in template.resources(
            "Microsoft.Web/sites/basicPublishingCredentialsPolicies") if body(p).get("parent") == Expr(site.name)}
        for channel in ("ftp", "scm"):
            if dig(policies.get(channel), "properties", "allow") is not False:
                problems.append(f"function app {site.name}: basic publishing credentials for {channel} must be off")
    return problems


def hosting_problems(templates: Templates) -> list[str]:
    """Flex Consumption, Python 3.11, one user-assigned identity that the main template creates."""
    apps = function_apps(templates)
    if not apps:
        return ["no function app"]
    problems = []
    for template, site in apps:
        site_body = body(site)
        properties = site_body.get("properties", {})
        plans = {p.name: body(p) for p in template.resources("Microsoft.Web/serverfarms")}
        plan_ref = properties.get("serverFarmId")
        plan = plans.get(plan_ref.text.removesuffix(".id")) if isinstance(plan_ref, Expr) else None
        if dig(plan, "sku", "tier") != "FlexConsumption" or dig(plan, "sku", "name") != "FC1":
            problems.append(f"function app {site.name}: must run on a Flex Consumption (FC1) plan")
        if dig(properties, "functionAppConfig", "runtime") != {"name": "python", "version": "3.11"}:
            problems.append(f"function app {site.name}: functionAppConfig.runtime must be python 3.11")
        identity = site_body.get("identity", {})
        assigned = list(dig(identity, "userAssignedIdentities") or {})
        if identity.get("type") != "UserAssigned" or len(assigned) != 1:
            problems.append(f"function app {site.name}: identity must be exactly one user-assigned identity")
            continue
        identity_param = assigned[0].removeprefix("${").removesuffix("}")
        if properties.get("keyVaultReferenceIdentity") != Expr(identity_param):
            problems.append(f"function app {site.name}: Key Vault references must resolve with {identity_param}")
        if main_module_argument(templates, template, identity_param) != created_identity(templates, "id"):
            problems.append(f"function app {site.name}: {identity_param} must be the identity main.bicep creates")
    return problems


def app_settings(template: BicepFile, site: Declaration) -> dict[str, Any]:
    """Name → value of every app setting, following `for setting in items(<var or union of vars>)`."""
    settings: dict[str, Any] = {}
    for entry in dig(body(site), "properties", "siteConfig", "appSettings") or []:
        if isinstance(entry, dict):
            settings[str(entry.get("name"))] = entry.get("value")
            continue
        match = re.fullmatch(r"\w+ in items\((?P<source>.+)\)", entry.header) if isinstance(entry, Loop) else None
        if match is None:
            raise AssertionError(f"cannot read the app settings entry {entry!r}")
        source = match["source"]
        union = re.fullmatch(r"union\((?P<names>[\w\s,]+)\)", source)
        for name in (n.strip() for n in (union["names"].split(",") if union else [source])):
            value = template.var(name)
            if not isinstance(value, dict):
                raise AssertionError(f"cannot read app settings from var {name} = {value!r}")
            settings.update(value)
    return settings


def secret_setting_problems(templates: Templates) -> list[str]:
    problems = []
    for template, site in function_apps(templates):
        settings = app_settings(template, site)
        if "AzureWebJobsStorage" in settings:
            problems.append("AzureWebJobsStorage (a connection string with the account key) must not be set")
        if settings.get("AzureWebJobsStorage__credential") != "managedidentity":
            problems.append("AzureWebJobsStorage__credential must be managedidentity")
        for name, value in settings.items():
            if name in NOT_SECRETS or not SECRET_LOOKING.search(name):
                continue
            if isinstance(value, Expr) and template.has_var(value.text):
                value = template.var(value.text)
            if not (isinstance(value, str) and KEY_VAULT_REFERENCE.match(value)):
                problems.append(f"app setting {name} must be a @Microsoft.KeyVault(SecretUri=...) reference")
    insights = resources(templates, "Microsoft.Insights/components")
    if any(dig(body(c), "properties", "DisableLocalAuth") is not True for _, c in insights):
        problems.append("Application Insights must have DisableLocalAuth (its connection string is then no secret)")
    return problems


def role_problems(templates: Templates) -> list[str]:
    problems = []
    storage = templates["app/storage.bicep"]
    account = storage.resources("Microsoft.Storage/storageAccounts")[0].name
    storage_roles = granted_roles(storage, account, "appPrincipalId")
    if not {BLOB_DATA_OWNER, BLOB_DATA_CONTRIBUTOR} & storage_roles:
        problems.append("the app identity needs a Storage Blob Data role on the storage account")
    for role, label in ((QUEUE_DATA_CONTRIBUTOR, "Queue"), (TABLE_DATA_CONTRIBUTOR, "Table")):
        if role not in storage_roles:
            problems.append(f"the app identity needs Storage {label} Data Contributor on the storage account")
    keyvault = templates["app/keyvault.bicep"]
    vault = keyvault.resources("Microsoft.KeyVault/vaults")[0].name
    if KEY_VAULT_SECRETS_USER not in granted_roles(keyvault, vault, "appPrincipalId"):
        problems.append("the app identity needs Key Vault Secrets User on the vault")
    for module_path in ("app/storage.bicep", "app/keyvault.bicep"):
        if main_module_argument(templates, templates[module_path], "appPrincipalId") != created_identity(
            templates, "principalId"
        ):
            problems.append(f"{module_path}: appPrincipalId must be the identity the function app runs as")
    return problems


# --- helpers for identities and role assignments -------------------------------------------------------------------


def main_module_argument(templates: Templates, module_file: BicepFile, param: str) -> Any:
    """What main.bicep passes for `param` to the module defined in `module_file`."""
    module_path = str(module_file.path)
    for module in templates["main.bicep"].modules():
        if module.type == module_path:
            return dig(body(module), "params", param)
    return None


def created_identity(templates: Templates, output: str) -> Expr | None:
    """`<module>.outputs.<output>` of the main.bicep module that creates the user-assigned identity."""
    for module in templates["main.bicep"].modules():
        created = templates.get(module.type)
        if created and created.resources("Microsoft.ManagedIdentity/userAssignedIdentities"):
            return Expr(f"{module.name}.outputs.{output}")
    return None


def granted_roles(template: BicepFile, scope: str, principal: str) -> set[str]:
    roles: set[str] = set()
    for assignment in template.resources("Microsoft.Authorization/roleAssignments"):
        assignment_body = body(assignment)
        properties = assignment_body.get("properties", {})
        if assignment_body.get("scope") != Expr(scope) or properties.get("principalId") != Expr(principal):
            continue
        roles |= role_ids(template, assignment, properties.get("roleDefinitionId"))
    return roles


def role_ids(template: BicepFile, assignment: Declaration, definition: Any) -> set[str]:
    match = re.fullmatch(r"subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions',\s*(?P<id>.+)\)",
                         definition.text if isinstance(definition, Expr) else "")
    if match is None:
        raise AssertionError(f"cannot read the role of {assignment.name}: {definition!r}")
    role = match["id"].strip()
    if role.startswith("'"):
        return {role.strip("'")}
    if isinstance(assignment.value, Loop):
        variable, _, source = assignment.value.header.partition(" in ")
        if variable.strip() == role:
            return {str(r) for r in template.var(source.strip())}
    return {str(template.var(role))}


# --- tests ---------------------------------------------------------------------------------------------------------

CHECKS = [storage_problems, key_vault_problems, transport_problems, hosting_problems, secret_setting_problems,
          role_problems]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_templates_keep_their_promises(check: Any) -> None:
    assert check(load(template_texts())) == []


# (template, text, replacement, words of the expected problem)
CHANGES = [
    ("app/storage.bicep", "allowSharedKeyAccess: false", "allowSharedKeyAccess: true", "allowSharedKeyAccess"),
    ("app/storage.bicep", "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_0'", "minimumTlsVersion"),
    ("app/keyvault.bicep", "enableRbacAuthorization: true", "enableRbacAuthorization: false", "enableRbac"),
    ("app/keyvault.bicep", "enablePurgeProtection: true", "enablePurgeProtection: false", "enablePurgeProtection"),
    ("app/keyvault.bicep", "enableSoftDelete: true", "enableSoftDelete: false", "enableSoftDelete"),
    ("app/keyvault.bicep", "softDeleteRetentionInDays: 90\n", "", "softDeleteRetentionInDays"),
    ("app/keyvault.bicep", "enableRbacAuthorization: true",
     "enableRbacAuthorization: true\n    accessPolicies: []", "accessPolicies"),
    ("app/function-app.bicep", "httpsOnly: true", "httpsOnly: false", "httpsOnly"),
    ("app/function-app.bicep", "minTlsVersion: '1.2'", "minTlsVersion: '1.0'", "minTlsVersion"),
    ("app/function-app.bicep", "ftpsState: 'Disabled'", "ftpsState: 'FtpsOnly'", "ftpsState"),
    ("app/function-app.bicep", "name: 'ftp'\n  properties: {\n    allow: false",
     "name: 'ftp'\n  properties: {\n    allow: true", "for ftp must be off"),
    ("app/function-app.bicep", "tier: 'FlexConsumption'\n    name: 'FC1'", "tier: 'Dynamic'\n    name: 'Y1'",
     "Flex Consumption"),
    ("app/function-app.bicep", "version: '3.11'", "version: '3.12'", "python 3.11"),
    ("app/function-app.bicep", "type: 'UserAssigned'\n", "type: 'SystemAssigned'\n", "user-assigned"),
    ("main.bicep", "identityId: identity.outputs.id", "identityId: identity.outputs.principalId",
     "identity main.bicep creates"),
    ("app/function-app.bicep", "AzureWebJobsStorage__credential: 'managedidentity'",
     "AzureWebJobsStorage__credential: 'managedidentity'\n  AzureWebJobsStorage: storageConnection",
     "AzureWebJobsStorage (a connection string"),
    ("app/function-app.bicep", "NOTIFICATION_QUEUE: 'graph-notifications'",
     "NOTIFICATION_QUEUE: 'graph-notifications'\n  GRAPH_CLIENT_SECRET: 'Very~Secret.Value'", "GRAPH_CLIENT_SECRET"),
    ("app/function-app.bicep", "NOTIFICATION_QUEUE: 'graph-notifications'",
     "NOTIFICATION_QUEUE: 'graph-notifications'\n  SMTP_PASSWORD: smtpPassword", "SMTP_PASSWORD"),
    ("app/monitoring.bicep", "DisableLocalAuth: true", "DisableLocalAuth: false", "DisableLocalAuth"),
    ("app/storage.bicep", "  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor\n", "",
     "Queue Data Contributor"),
    ("app/storage.bicep", "  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor\n", "",
     "Table Data Contributor"),
    ("app/storage.bicep", "  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner\n", "",
     "Storage Blob Data role"),
    ("app/storage.bicep", "      principalId: appPrincipalId", "      principalId: otherPrincipalId",
     "Queue Data Contributor"),
    ("app/keyvault.bicep", "var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'",
     "var secretsUser = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'", "Key Vault Secrets User"),
    ("main.bicep", "appPrincipalId: identity.outputs.principalId\n    secretsOfficerPrincipalId",
     "appPrincipalId: principalId\n    secretsOfficerPrincipalId", "app/keyvault.bicep: appPrincipalId"),
]


@pytest.mark.parametrize(("template", "text", "replacement", "expected"), CHANGES,
                         ids=[f"{c[0]}:{c[3]}" for c in CHANGES])
def test_a_weakened_template_is_caught(template: str, text: str, replacement: str, expected: str) -> None:
    texts = template_texts()
    assert text in texts[template], f"{template} no longer contains {text!r}; update this case"
    texts[template] = texts[template].replace(text, replacement)

    problems = [problem for check in CHECKS for problem in check(load(texts))]

    assert any(expected in problem for problem in problems), problems


def test_a_secret_as_a_key_vault_reference_is_accepted() -> None:
    texts = template_texts()
    texts["app/function-app.bicep"] = texts["app/function-app.bicep"].replace(
        "NOTIFICATION_QUEUE: 'graph-notifications'",
        "NOTIFICATION_QUEUE: 'graph-notifications'\n"
        "  GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}/secrets/${graphClientSecretName}/)'",
    )

    assert secret_setting_problems(load(texts)) == []
