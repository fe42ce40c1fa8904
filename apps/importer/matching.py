"""Finding the algorithms a standards document's free-text algorithm list names."""

from __future__ import annotations

import re

from apps.algorithms.models import Algorithm


class AlgorithmMatcher:
    """Finds the algorithms a work item's free-text algorithm list names (by name, alias or parameter set;
    hyphens and case ignored, never inside a longer word). Parenthesised text is left out: it holds code
    points or examples ("framework for … (ML-KEM, FrodoKEM, etc.)"), not what the document covers."""

    def __init__(self) -> None:
        self.patterns: list[tuple[re.Pattern[str], Algorithm]] = []
        for algorithm in Algorithm.objects.prefetch_related("parameter_sets"):
            names = {algorithm.name, *algorithm.aliases, *(p.name for p in algorithm.parameter_sets.all())}
            for name in names:
                key = self.normalise(name.split(" (")[0])
                if len(key) >= 3:
                    self.patterns.append((re.compile(rf"(?<![a-z]){re.escape(key)}(?![a-z])"), algorithm))

    @staticmethod
    def normalise(text: str) -> str:
        return re.sub(r"[-_\s]", "", text.lower())

    def find(self, text: str) -> list[Algorithm]:
        haystack = self.normalise(re.sub(r"\([^)]*\)", " ", text))
        found = {algorithm.pk: algorithm for pattern, algorithm in self.patterns if pattern.search(haystack)}
        return list(found.values())
