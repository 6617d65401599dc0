"""The trainer: feature-weight models (fathom-train's) and the image classifier.

Takes vector files (or sets, vectorized first) and crops; gives out model files
(`models/<type>.json`, image model folders), metrics and reports.
"""
