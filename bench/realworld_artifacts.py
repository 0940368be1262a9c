"""LLM and translation leftovers in grouped cross-validation on ../shared/real-world (issue 12).

    python bench/realworld_artifacts.py [--folds 5] [--limit N] [--jobs 2] [--json FILE] [--no-train]

Every item of artifacts.jsonl goes into a real article of its language (English where ../shared
has none) where such leftovers really sit: its category's place (preambles at the start, closings
at the end, UI leftovers on their own line, citation tokens after a sentence, translator notes after
a paragraph, glosses after a word) and the place its context shows. The gold span is the leftover:
for a citation token, a chatgpt link parameter, a translator note or a gloss inside a line of the
writer's own words, only that part. Folds are by source (repository, site or code-index file).
With train/train_artifacts.py present each fold is trained without its sources; otherwise the
bundled rules are measured as they are. Also: the legit-CJK pool, sentences cut on the untouched
corpus and web-eval texts, and tests/data/attributed_speech.txt when it exists.
"""

import sys

from realworld.harness import main

if __name__ == "__main__":
    sys.exit(main("artifact", __doc__))
