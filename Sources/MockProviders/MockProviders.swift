// Module MockProviders.
