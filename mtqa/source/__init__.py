"""The source side: provenance from credits, retrieval of the source among candidates, sentence alignment."""
