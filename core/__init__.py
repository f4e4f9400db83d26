"""Domain and storage: config, database, account scoping, models, billing queries."""
