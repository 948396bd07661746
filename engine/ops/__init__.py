"""Operations: `aegis doctor` probes, integration health and operator alerts, retry policy, retention, secrets.

Everything an operator needs to keep Aegis running: one cheap real call per integration (`doctor`),
the same checks every 5 minutes with one alert per outage (`health`), the error-class → retry table
(`retry`), purges and VACUUM (`housekeeping`), Vault and key rotation (`vault`, `keys`).
"""
