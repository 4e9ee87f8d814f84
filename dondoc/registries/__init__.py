"""Agency registries: dated agencies, groups, memberships and successions of each province (issue 11)."""
