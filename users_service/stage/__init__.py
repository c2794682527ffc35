"""A community's lifecycle stage (launch, growth, maturity, expansion) and its KPIs against the targets."""
