"""distribution_service: events, the honeycomb feed and pushes, ranked behind one `Ranker` interface."""
