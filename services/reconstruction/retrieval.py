"""Which photo pairs to match when matching all of them costs too much.

A bag of visual words built on the fly from the photos' own SIFT descriptors (no
pre-trained vocabulary file to ship or download), TF-IDF weighted, cosine similarity;
each photo is paired with its most similar ones and with its neighbours in shooting
order. For 200 photos that is ~3k pairs instead of ~20k.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import cv2
import numpy as np

log = logging.getLogger(__name__)


def build_vocabulary(descriptors: Sequence[np.ndarray], words: int = 512,
                     sample: int = 60_000, seed: int = 0) -> np.ndarray:
    """k-means centres (words × 128, float32) of a sample of all descriptors."""
    rng = np.random.default_rng(seed)
    per_image = max(1, sample // max(1, len(descriptors)))
    parts = []
    for d in descriptors:
        if len(d) > per_image:
            d = d[rng.choice(len(d), per_image, replace=False)]
        parts.append(d)
    data = np.concatenate(parts).astype(np.float32)
    words = min(words, len(data) // 4)
    cv2.setRNGSeed(seed)
    criteria = (cv2.TERM_CRITERIA_MAX_ITER + cv2.TERM_CRITERIA_EPS, 15, 0.5)
    _, _, centres = cv2.kmeans(data, words, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    return centres


def assign_words(desc: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Nearest word per descriptor (squared L2 via one matrix product)."""
    d = desc.astype(np.float32)
    c2 = (centres**2).sum(1)
    scores = d @ centres.T * -2.0 + c2[None, :]
    return scores.argmin(1)


def similarity(descriptors: Sequence[np.ndarray], seed: int = 0) -> np.ndarray:
    """Cosine similarity of TF-IDF word histograms, n × n (diagonal zero)."""
    centres = build_vocabulary(descriptors, seed=seed)
    k = len(centres)
    hists = np.zeros((len(descriptors), k), np.float32)
    for i, d in enumerate(descriptors):
        if len(d):
            hists[i] = np.bincount(assign_words(d, centres), minlength=k)
    df = (hists > 0).sum(0)
    idf = np.log(len(descriptors) / np.maximum(df, 1)).astype(np.float32)
    tfidf = hists / np.maximum(hists.sum(1, keepdims=True), 1) * idf
    tfidf /= np.maximum(np.linalg.norm(tfidf, axis=1, keepdims=True), 1e-12)
    sim = tfidf @ tfidf.T
    np.fill_diagonal(sim, 0.0)
    return sim


def select_pairs(n: int, sim: np.ndarray | None, overlap: int = 8,
                 top_k: int = 12) -> list[tuple[int, int]]:
    """Sequential window ∪ top-k most similar, as sorted index pairs (i < j)."""
    pairs: set[tuple[int, int]] = set()
    for i in range(n):
        for j in range(i + 1, min(n, i + 1 + overlap)):
            pairs.add((i, j))
    if sim is not None:
        for i in range(n):
            for j in np.argsort(-sim[i])[:top_k]:
                if int(j) != i:
                    pairs.add((min(i, int(j)), max(i, int(j))))
    return sorted(pairs)
