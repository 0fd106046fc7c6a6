// One partner's access: read and delete messages on its own queue partner-<id>, nothing else.
param storageAccountName string
param partnerId string
param partnerPrincipalId string

var storageQueueDataMessageProcessor = '8a0f0c08-91a1-4084-bc3d-661d67233fed' // Storage Queue Data Message Processor

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource queue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: 'partner-${partnerId}'
}

resource partnerQueueReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, partnerPrincipalId, storageQueueDataMessageProcessor)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageProcessor)
    principalId: partnerPrincipalId
  }
}
