"""The allocation rules, one module each; see ``pb.allocation.RULES`` for the registry."""
