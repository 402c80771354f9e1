"""Back-translation: the only package that imports ctranslate2, sentencepiece and huggingface_hub.

`base` (the Translator protocol and the backend registry, importing no runtime), `ct2` (the
CTranslate2 backend and its cache), `models` (the registry of known models, pull, convert,
verify: never imports the runtime), `roundtrip` (back-translations scored against the source).
"""
