"""The domain: models, use cases, the access policy and storage. Knows nothing of Flask or RQ."""
