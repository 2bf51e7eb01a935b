"""pytest plugin for bc-scopes (work in progress; inert)."""
