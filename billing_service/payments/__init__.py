"""Payment providers: the interface billing depends on, the sandbox, webhook signatures and fault points."""
