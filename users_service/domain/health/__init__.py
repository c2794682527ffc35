"""Community health: the indicator catalogue, their formulas over aggregated figures, status and trend (pure)."""
