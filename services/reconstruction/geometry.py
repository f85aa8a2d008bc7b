"""Small numeric tools: similarity fits, triangulation, planes. numpy only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Similarity:
    """x' = scale · R x + t."""

    scale: float
    R: np.ndarray
    t: np.ndarray

    def apply(self, x: np.ndarray) -> np.ndarray:
        return self.scale * (np.asarray(x, float) @ self.R.T) + self.t

    def then(self, other: Similarity) -> Similarity:
        """`other` after `self`."""
        return Similarity(other.scale * self.scale, other.R @ self.R,
                          other.scale * other.R @ self.t + other.t)

    def matrix(self) -> np.ndarray:
        """3 × 4 [sR | t]."""
        return np.hstack([self.scale * self.R, self.t[:, None]])

    def to_dict(self) -> dict:
        return {"scale": float(self.scale), "R": self.R.tolist(), "t": self.t.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Similarity:
        return cls(float(d["scale"]), np.asarray(d["R"], float), np.asarray(d["t"], float))

    @classmethod
    def identity(cls) -> Similarity:
        return cls(1.0, np.eye(3), np.zeros(3))


def umeyama(src: np.ndarray, dst: np.ndarray, with_scale: bool = True) -> Similarity:
    """Least-squares similarity with dst ≈ s R src + t (Umeyama 1991); needs ≥ 3 points
    not on one line."""
    src = np.asarray(src, float)
    dst = np.asarray(dst, float)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    a, b = src - mu_s, dst - mu_d
    cov = b.T @ a / len(src)
    U, S, Vt = np.linalg.svd(cov)
    D = np.eye(3)
    if np.linalg.det(U) * np.linalg.det(Vt) < 0:
        D[2, 2] = -1
    R = U @ D @ Vt
    var_s = (a**2).sum() / len(src)
    s = float(np.trace(np.diag(S) @ D) / var_s) if with_scale else 1.0
    return Similarity(s, R, mu_d - s * R @ mu_s)


def triangulate(rays_o: np.ndarray, rays_d: np.ndarray) -> np.ndarray:
    """Point closest (least squares) to several rays (origins, unit directions)."""
    A = np.zeros((3, 3))
    b = np.zeros(3)
    for o, d in zip(rays_o, rays_d, strict=True):
        P = np.eye(3) - np.outer(d, d)
        A += P
        b += P @ o
    return np.linalg.lstsq(A, b, rcond=None)[0]


def fit_plane(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Unit normal n and offset d with n·x + d ≈ 0 (total least squares)."""
    c = points.mean(0)
    _, _, Vt = np.linalg.svd(points - c)
    n = Vt[2]
    return n, float(-n @ c)


def rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotation taking unit vector a onto unit vector b."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(a @ b)
    if np.linalg.norm(v) < 1e-12:
        if c > 0:
            return np.eye(3)
        axis = np.cross(a, [1.0, 0, 0])
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross(a, [0, 1.0, 0])
        axis /= np.linalg.norm(axis)
        return 2 * np.outer(axis, axis) - np.eye(3)
    vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + vx + vx @ vx / (1 + c)


def line_intersection_2d(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray,
                         q2: np.ndarray) -> np.ndarray:
    """Intersection of line p1p2 with line q1q2 (a quad's diagonals: its projective
    centre, which is where the marker's true centre projects)."""
    a = np.cross(np.append(p1, 1.0), np.append(p2, 1.0))
    b = np.cross(np.append(q1, 1.0), np.append(q2, 1.0))
    x = np.cross(a, b)
    return x[:2] / x[2]
