// DomainScreen on Azure Functions Flex Consumption: one resource group holding the Function App (user-assigned
// identity, identity-based storage), storage without shared keys, Log Analytics + Application Insights (local
// auth off), and a Key Vault in RBAC mode for partner signing keys. `azd up` deploys it with the Functions project.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name.')
param environmentName string

@minLength(1)
@description('Region for every resource (must offer Flex Consumption).')
param location string

@description('Object id of the deploying user or pipeline; gets data-plane access for operations (optional).')
param principalId string = ''

@description('Entra ID application (client) id that fronts the HTTP routes with App Service authentication; the app defines the roles reader, analyst, reviewer, admin (infra/entra-app-roles.json).')
param authClientId string

@description('Partners that read their own action queue: [{ id: \'cmcc\', principalId: \'<object id>\' }]. Each gets queue partner-<id> and Queue Data Message Processor on that queue only.')
param partners array = []

@description('Largest number of Flex Consumption instances. Sweep throughput scales with it; see docs/deploy.md.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Instance memory size in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('NCRONTAB (UTC) of the nightly sweep; the default is 02:00 Asia/Shanghai.')
param sweepSchedule string = '0 0 18 * * *'

@description('User-Agent sent when fetching screened sites: name the operator and a contact URL.')
param fetchUserAgent string = 'DomainScreen/1.0 (+https://github.com/domainscreen; AI-abuse screening; contact via the URL)'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    partnerIds: [for p in partners: p.id]
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    authClientId: authClientId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    sweepSchedule: sweepSchedule
    fetchUserAgent: fetchUserAgent
    keyVaultUri: keyVault.outputs.uri
    signingKeyName: keyVault.outputs.signingKeyName
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    apiPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
  }
}

module partnerAccess 'app/partner-access.bicep' = [for p in partners: {
  name: 'partner-${p.id}'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    partnerId: p.id
    partnerPrincipalId: p.principalId
  }
}]

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT string = storage.outputs.name
