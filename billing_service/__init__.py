"""billing_service: plans, subscriptions, purchases, payments and the ledger; where money is counted."""
