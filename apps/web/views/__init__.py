"""Views of the web UI, one module per area. Each view parses input, calls a service or a read query, and
renders; permissions and releasability are decided by the services and queries themselves."""
