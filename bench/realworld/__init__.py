"""The real-world harness (issues 11 and 12): pool items injected into real articles, scored by
dev-eval's score.py, in grouped (leave-source-out) cross-validation. Entry points:
``bench/realworld_spam.py`` and ``bench/realworld_artifacts.py``."""
