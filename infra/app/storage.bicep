// The Functions host storage (Durable task hub, timers, deployment package) and the app's tables (audit,
// conflicts) and queues (Graph notifications). Keys are disabled: only Entra ID identities get in, each through a
// data-plane role on this account.
param name string
param location string
param tags object = {}
param deploymentContainerName string
param appPrincipalId string

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_ZRS'

// Blob Data Owner: the host takes blob leases (singleton timers, Durable partitions) and reads the package.
// Queue/Table Data Contributor: Durable work items and history, the notification queue, audit and conflicts.
var dataRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  //checkov:skip=CKV_AZURE_35:No VNet in this small single-tenant deployment (private endpoints out of scope); without VNet integration the Flex host reaches its storage over the public endpoint. Shared keys are disabled: Entra ID + RBAC only.
  //checkov:skip=CKV_AZURE_59:Same reason as CKV_AZURE_35; blob public access is off and every request needs an Entra ID token with a data role.
  //checkov:skip=CKV_AZURE_206:Zone-redundant (ZRS) by default; geo-replication is the storageSkuName parameter, since the app runs in one region and its Durable state has no use elsewhere.
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource appDataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in dataRoles: {
    name: guid(account.id, appPrincipalId, role)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name
