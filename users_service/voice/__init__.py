"""Voice of the member: NPS surveys and responses, each traced to the member's tier at the time."""
