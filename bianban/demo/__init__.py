"""The demo district 示例区: a deterministic, realistic register loaded through the services (`bianban demo`)."""
