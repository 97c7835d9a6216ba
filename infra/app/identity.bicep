// The app's user-assigned identity: created before the app, so every grant exists when the app first starts, and
// kept when the app is re-created, so the grants (and the Graph app roles given to it) survive.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
