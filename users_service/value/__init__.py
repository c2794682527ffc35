"""Member value: the RFM pyramid and the nine tiers, recomputed by a batch job and on demand."""
