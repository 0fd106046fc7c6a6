// The Function App on a Flex Consumption plan (.NET 10 isolated), its app settings and App Service
// authentication (Entra ID) in front of the HTTP routes.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param authClientId string
param maximumInstanceCount int
param instanceMemoryMB int
param sweepSchedule string
param fetchUserAgent string
param keyVaultUri string
param signingKeyName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
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
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// app-settings:begin (tests/DomainScreen.Functions.Tests/InfraTests.cs checks these names against the code)
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Auth__Mode: 'AppService'
    Sweep__Schedule: sweepSchedule
    Fetching__UserAgent: fetchUserAgent
    Fetching__TotalTimeoutSeconds: '15'
    Fetching__MaxBodyBytes: '2097152'
    Screening__DomainsPerMessage: '50'
    Screening__Parallelism: '16'
    Screening__SubmissionParallelism: '50'
    Registration__BootstrapUrl: 'https://data.iana.org/rdap/dns.json'
    Registration__RequestsPerSecondPerServer: '2'
    Catalog__Container: 'catalog'
    Catalog__RefreshMinutes: '5'
    Actions__Issuer: 'https://${name}.azurewebsites.net'
    Actions__KeyVaultUri: keyVaultUri
    Actions__KeyName: signingKeyName
    // glibc reads this when the worker process starts, before any thread: two malloc arenas instead of eight per core
    // keep a long sweep's native memory as flat as its capped GC heap (docs/benchmarks.md, "Twenty-ninth session").
    MALLOC_ARENA_MAX: '2'
  }
}
// app-settings:end

// App Service authentication: every route needs an Entra ID token (or the browser session of /.auth/login/aad) for
// the app, except the health probe and the review console's static files (they hold no data; the page signs in and
// then calls the API with the session); the platform passes the caller's app roles to the code in X-MS-CLIENT-PRINCIPAL and strips that header from
// client requests, so the code's role checks can trust it.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: ['/api/health', '/review', '/review/*']
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: ['api://${authClientId}', authClientId]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
