"""The public schema, one module per domain; resolvers only call clients and loaders."""
