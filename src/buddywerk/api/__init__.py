"""The REST API (issue 18): a second face of the same selectors, policy and services.

`api.py` builds the versioned NinjaAPI; `routers/` hold its operations, grouped by who
calls them. An operation holds no rule of its own: it validates its input with the same
form or schema the page uses, reads through the policy-scoped selectors and writes through
the services (ARCHITECTURE.md 8).
"""
