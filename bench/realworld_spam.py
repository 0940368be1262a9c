"""Spam in grouped cross-validation on ../shared/real-world (issue 11): real spam in real articles.

    python bench/realworld_spam.py [--folds 5] [--limit N] [--jobs 2] [--json FILE] [--no-train]

Every item of spam.jsonl goes into an English article at every place spam really lands (paragraph
start glued or after a space, own line, mid-sentence, between sentences, end of line glued or not,
glued to a word, document start and end); Chinese, Japanese and Korean items also into CJK articles
and English items into other-language articles, at three rotating places. Evasive spellings of each
item (separators, decoration, emoji, full width, homoglyphs, Chinese numerals, pinyin initials) are
their own row. Folds are by repository. With train/train_spam.py present, each fold is trained
without its repositories and its carrier documents; otherwise the bundled rules are measured as
they are. Scored by ../shared/dev-eval/score.py; also the legit-CJK pool and the untouched corpus
and web-eval texts (false findings per 10k words, by rule).
"""

import sys

from realworld.harness import main

if __name__ == "__main__":
    sys.exit(main("spam", __doc__))
