"""Tools that drive the platform from outside (the year demo). They may use the services'
domains and the policy simulator, so they live outside every service package."""
