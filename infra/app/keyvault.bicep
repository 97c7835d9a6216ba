// The app's secrets (the Graph client secret or certificate). Access is by Azure RBAC only, no access
// policies: the app identity may read secret values (Key Vault Secrets User) and nothing else; the deploying
// person, when given, may set secrets (Key Vault Secrets Officer) but not read keys or certificates' private parts.
param name string
param location string
param tags object = {}
param appPrincipalId string

@description('Object id of the person (or pipeline) that puts secrets into the vault; empty for none.')
param secretsOfficerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param secretsOfficerPrincipalType string = 'User'

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  //checkov:skip=CKV_AZURE_109:No VNet in this small single-tenant deployment (private endpoints out of scope); Flex instances have no fixed outbound IPs, so a firewall would lock the app out. Access is Entra ID + RBAC only.
  //checkov:skip=CKV_AZURE_189:Same reason: without VNet integration and a private endpoint the app reaches the vault over its public endpoint; RBAC (Secrets User for the app only) guards it.
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource officerSetsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, secretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
    principalId: secretsOfficerPrincipalId
    principalType: secretsOfficerPrincipalType
  }
}

output name string = vault.name
// Without the trailing '/' of properties.vaultUri: settings and SecretUri references append their own paths.
output uri string = 'https://${vault.name}${environment().suffixes.keyvaultDns}'
