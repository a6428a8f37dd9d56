"""Evidence for trusting topics: coherence, fit, labels, representative documents, stability.

Library code between the factorizations and the renderers: numpy/scipy in, plain numbers out.
scikit-learn (label metrics) and rich (plots, progress) are imported lazily where used.
"""
