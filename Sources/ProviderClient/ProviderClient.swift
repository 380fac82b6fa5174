// Module ProviderClient.
