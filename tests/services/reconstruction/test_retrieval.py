"""Pair selection for large photo sets: shooting order plus visual-word similarity."""

from __future__ import annotations

import numpy as np

from services.reconstruction import retrieval


def test_similar_photos_find_each_other() -> None:
    rng = np.random.default_rng(0)
    places = [rng.integers(0, 255, (300, 128)).astype(np.uint8) for _ in range(4)]
    # photos 0..7: two photos of each "place", far apart in shooting order
    photos = []
    for k in range(8):
        base = places[k % 4]
        keep = rng.choice(len(base), 200, replace=False)
        noise = rng.integers(-3, 4, (200, 128))
        photos.append(np.clip(base[keep].astype(int) + noise, 0, 255).astype(np.uint8))
    sim = retrieval.similarity(photos)
    for k in range(8):
        assert int(np.argmax(sim[k])) == (k + 4) % 8
    pairs = retrieval.select_pairs(8, sim, overlap=1, top_k=1)
    assert (0, 4) in pairs and (3, 7) in pairs  # loop closures
    assert (0, 1) in pairs and (6, 7) in pairs  # neighbours in order
    assert all(i < j for i, j in pairs) and len(pairs) == len(set(pairs))
