"""content_service: expert (PGC), member (UGC) and commercial content, templates, interaction, moderation."""
