// Key Vault in RBAC mode holding the EC P-256 key that signs partner messages (ES256). The app signs through the
// vault's sign operation; the private key never leaves the vault. Purge protection on: a deleted key cannot be
// silently replaced. Rotate by adding a key version (the newest signs; disable an old one after its messages expire).
param name string
param location string
param tags object
param signingKeyName string = 'partner-signing'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: signingKeyName
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: ['sign', 'verify']
  }
}

output name string = vault.name
output signingKeyName string = signingKey.name
output uri string = vault.properties.vaultUri
