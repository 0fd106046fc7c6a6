// Storage with shared-key access disabled (identity only), TLS 1.2+, no public blob access. Holds the host's
// deployment package, the service's tables, queues and evidence blobs, and one action queue per partner.
param name string
param location string
param tags object
param partnerIds array

var deploymentContainerName = 'app-package-${take(uniqueString(name), 7)}'
var containers = [deploymentContainerName, 'evidence', 'cache', 'catalog', 'candidate-feeds', 'feed-state']
var queues = ['screen-requests', 'screen-priority', 'screen-requests-poison', 'screen-priority-poison', 'actions', 'actions-poison', 'sweep-starts', 'sweep-starts-poison']
var tables = ['Submissions', 'ScreeningResults', 'Candidates', 'Sweeps', 'Registrations', 'Cases', 'Audit', 'Allowlist', 'Partners', 'Actions', 'Feeds', 'CtLogs']

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in containers: {
  parent: blobService
  name: c
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource serviceQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for q in concat(queues, map(partnerIds, id => 'partner-${id}')): {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource serviceTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for t in tables: {
  parent: tableService
  name: t
}]

output name string = account.name
output deploymentContainerName string = deploymentContainerName
