"""Text processing: segmentation, page furniture, anchors, language identification, lexicon."""
