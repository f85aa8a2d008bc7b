"""Similarity fits, triangulation and the other small numeric tools."""

from __future__ import annotations

import numpy as np
import pytest

from services.reconstruction.geometry import (
    Similarity,
    line_intersection_2d,
    rotation_between,
    triangulate,
    umeyama,
)


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    return q * np.sign(np.linalg.det(q))


@pytest.mark.parametrize("planar", [False, True])
def test_umeyama_recovers_a_similarity(planar: bool) -> None:
    rng = np.random.default_rng(1)
    src = rng.normal(size=(12, 3))
    if planar:  # mat markers all lie in one plane
        src[:, 2] = 0
    true = Similarity(2.5, _random_rotation(rng), np.array([1.0, -2.0, 0.5]))
    fit = umeyama(src, true.apply(src))
    assert fit.scale == pytest.approx(2.5, rel=1e-9)
    np.testing.assert_allclose(fit.R, true.R, atol=1e-9)
    np.testing.assert_allclose(fit.apply(src), true.apply(src), atol=1e-9)


def test_similarity_composition_and_round_trip() -> None:
    rng = np.random.default_rng(2)
    a = Similarity(2.0, _random_rotation(rng), rng.normal(size=3))
    b = Similarity(0.5, _random_rotation(rng), rng.normal(size=3))
    x = rng.normal(size=(5, 3))
    np.testing.assert_allclose(a.then(b).apply(x), b.apply(a.apply(x)), atol=1e-12)
    c = Similarity.from_dict(a.to_dict())
    np.testing.assert_allclose(c.apply(x), a.apply(x))


def test_triangulate_rays_meet_at_the_point() -> None:
    p = np.array([0.3, -0.2, 1.5])
    origins = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0.2]], float)
    dirs = p - origins
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    np.testing.assert_allclose(triangulate(origins, dirs), p, atol=1e-12)


def test_rotation_between_handles_opposite_vectors() -> None:
    for a, b in [([0, 0, 1], [0, 0, 1]), ([0, 0, 1], [0, 0, -1]), ([1, 2, 3], [-3, 0, 1])]:
        a, b = np.array(a, float), np.array(b, float)
        R = rotation_between(a, b)
        np.testing.assert_allclose(R @ (a / np.linalg.norm(a)), b / np.linalg.norm(b),
                                   atol=1e-12)
        assert np.linalg.det(R) == pytest.approx(1.0)


def test_quad_centre_is_the_diagonals_crossing() -> None:
    c = line_intersection_2d(np.array([0.0, 0]), np.array([2.0, 2]), np.array([2.0, 0]),
                             np.array([0.0, 2]))
    np.testing.assert_allclose(c, [1, 1])
