"""The HTML reader's default element lists: the defaults of the `html_*` settings.

A module of their own, so that the settings (read by every command) know the defaults
without importing the reader, its scanner and the segmenter.
"""

from __future__ import annotations

HTML_INLINE = tuple(
    "a abbr acronym b bdi bdo big br button cite code data del dfn em font i img input ins "
    "kbd label mark math q s samp small span strike strong sub sup svg time tt u var wbr".split()
)
# content never offered to translators; inside a sentence each is one placeholder `<n/>`
HTML_UNTRANSLATED = tuple("script style pre code kbd samp var textarea svg math template".split())
# `translate="no"` aside: MediaWiki's math (its fallback image's alt text is TeX) and `notranslate`
HTML_UNTRANSLATED_CLASSES = (
    "notranslate", "mwe-math-element", "mwe-math-fallback-image-inline", "mwe-math-fallback-image-display",
)
