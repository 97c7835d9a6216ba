// The Function App on a Flex Consumption (FC1) plan, Python 3.11, running as the user-assigned identity for
// everything: host storage, the deployment package, Key Vault references and Application Insights.
param name string
param planName string
param location string
param tags object = {}
param serviceName string = 'api'

param identityId string
param identityClientId string
param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string
param keyVaultUri string

@allowed([
  'managed_identity'
  'client_secret'
  'certificate'
])
param graphAuthMode string
param graphTenantId string
param graphClientId string
param graphClientSecretName string
param graphCertificateName string

param archiveSchedule string
param auditTable string
param conflictsTable string

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

var settings = {
  // Host storage through the identity (no connection string, no keys).
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
  KEY_VAULT_URL: keyVaultUri
  GRAPH_AUTH_MODE: graphAuthMode
  GRAPH_TENANT_ID: graphTenantId
  // Empty in managed_identity mode: the identity calls Graph itself. Set with managed_identity, it names an app
  // registration that trusts the identity through a federated credential (no secret either).
  GRAPH_CLIENT_ID: graphClientId
  // No secret here, not even as a Key Vault reference: the app reads these vault secrets itself and re-reads them
  // every few minutes, so a rotated secret or certificate is used without a restart.
  GRAPH_CLIENT_SECRET_NAME: graphClientSecretName
  GRAPH_CERTIFICATE_NAME: graphCertificateName
  NOTIFICATION_BASE_URL: 'https://${name}.azurewebsites.net'
  ARCHIVE_SCHEDULE: archiveSchedule
  AUDIT_TABLE: auditTable
  CONFLICTS_TABLE: conflictsTable
  // Named in the queue trigger's binding (%NOTIFICATION_QUEUE%): the host will not start the function without it.
  NOTIFICATION_QUEUE: 'graph-notifications'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  //checkov:skip=CKV_AZURE_225:Flex Consumption zone redundancy exists only in some regions; a daily batch for one tenant tolerates a zone outage (the next timer run catches up).
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  //checkov:skip=CKV_AZURE_222:Microsoft Graph delivers change notifications from the internet to /api/graph/notifications; the endpoints are protected by function keys and clientState, not by network isolation.
  //checkov:skip=CKV_AZURE_17:Graph webhooks and Power Automate do not present client certificates; callers authenticate with function keys.
  //checkov:skip=CKV_AZURE_212:Flex Consumption scales per function from zero; a minimum instance count for failover does not apply to this plan.
  //checkov:skip=CKV_AZURE_213:Flex Consumption instances are platform-managed and scale from zero, so App Service health-check eviction is not relied on; /api/health serves external monitoring.
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      remoteDebuggingEnabled: false
      // Flex takes the runtime from functionAppConfig and rejects FUNCTIONS_WORKER_RUNTIME / _EXTENSION_VERSION.
      appSettings: [
        for setting in items(settings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
  }
}

// No FTP and no basic-auth (publishing profile) deployments: azd deploys with Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
