// Admin Assistant on Azure, for `azd up`: one resource group holding a Flex Consumption Function App, its
// user-assigned identity, host storage without keys, a Key Vault (RBAC) and Application Insights on Log Analytics.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags of every resource derive from it.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person or pipeline that deploys; it gets Key Vault Secrets Officer to set secrets. Empty for none.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('How the app authenticates to Microsoft Graph. managed_identity needs no secret at all.')
@allowed([
  'managed_identity'
  'client_secret'
  'certificate'
])
param graphAuthMode string = 'managed_identity'

@description('Tenant of the mailboxes; defaults to the tenant of the subscription.')
param graphTenantId string = ''

@description('Client id of the app registration: required for client_secret and certificate; with managed_identity, only for an app registration that trusts the identity (federated credential).')
param graphClientId string = ''

param graphClientSecretName string = 'graph-client-secret'
param graphCertificateName string = 'graph-certificate'

@description('NCRONTAB (six fields, UTC) of the archive timer.')
param archiveSchedule string = '0 5 * * * *'
param auditTable string = 'AuditLog'
param conflictsTable string = 'Conflicts'

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_ZRS'

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

param resourceGroupName string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}admin-assistant-${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 12)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}admin-assistant-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${take(resourceToken, 22)}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
    appPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${take(resourceToken, 21)}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    secretsOfficerPrincipalId: principalId
    secretsOfficerPrincipalType: principalType
  }
}

// Depends on the storage, vault and monitoring modules through their outputs, so every role assignment exists
// before the app starts for the first time.
module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    graphAuthMode: graphAuthMode
    graphTenantId: !empty(graphTenantId) ? graphTenantId : tenant().tenantId
    graphClientId: graphClientId
    graphClientSecretName: graphClientSecretName
    graphCertificateName: graphCertificateName
    archiveSchedule: archiveSchedule
    auditTable: auditTable
    conflictsTable: conflictsTable
    maximumInstanceCount: maximumInstanceCount
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output NOTIFICATION_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}'
output APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APP_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
