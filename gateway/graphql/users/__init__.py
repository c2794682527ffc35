"""The users domain of the public schema: its enums, types, inputs, queries, mutations and loaders."""
