"""The layer above the services: what needs all four at once, reached through their clients.

`topology` is the composition root (each service mounted in-process or reached over HTTP); beside it live the
tools that drive the composed services through those clients: demo seeding, the importers and the generator.
Named `composition` for the root it holds and the composing the tools do: it is neither plumbing (`infra`, below
every service, imports none of them) nor a service. Not `platform`: that shadows Python's own module.
The import graph runs one way: gateway and tools -> composition -> service clients -> infra.
"""
