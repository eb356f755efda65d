"""Pictures of an SMP over the years: dot layout, skin texture, rasterisation."""
