"""Stage 4a: project profile × incentive rules → eligible / ineligible / unknown, with amounts and screening."""
