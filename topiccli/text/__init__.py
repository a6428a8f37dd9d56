"""Text before vectorizing: languages, segmentation, stop words, cleaning."""
