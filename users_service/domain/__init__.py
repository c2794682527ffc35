"""users_service's pure rules and value types: no I/O, no MongoDB, no HTTP."""
