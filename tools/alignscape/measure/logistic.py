"""Weighted logistic regression by Newton-Raphson (equivalently IRLS), written with numpy.

Model: P(y = 1 | x) = sigmoid(x . beta). Targets may be fractional (a tie is y = 0.5): the
log-likelihood sum_i w_i [y_i log p_i + (1 - y_i) log(1 - p_i)] is then the binomial
log-likelihood of a tie counted as half a win and half a loss, which is how AlpacaEval scores
ties. Weights w_i are frequency weights (the bootstrap's prompt counts).

Newton step: beta <- beta + H^-1 g with g = X^T w (y - p), H = X^T diag(w p (1 - p)) X
(+ ``l2`` on the diagonal, default 0). A step that lowers the likelihood is halved (at most 30
times); iteration stops when the largest coefficient change is below ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) /
                    (1 + np.exp(-np.abs(z))))


@dataclass
class Fit:
    coef: np.ndarray
    se: np.ndarray          # model-based standard errors (inverse Hessian), for reference
    loglik: float
    iterations: int
    converged: bool


def _loglik(X, y, w, beta, l2):
    z = X @ beta
    # log p = -log(1 + e^-z), log(1 - p) = -log(1 + e^z), computed stably
    log_p, log_q = -np.logaddexp(0, -z), -np.logaddexp(0, z)
    return float(np.sum(w * (y * log_p + (1 - y) * log_q)) - 0.5 * l2 * beta @ beta)


def fit(X, y, weights=None, *, l2: float = 0.0, tol: float = 1e-10,
        max_iter: int = 100) -> Fit:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    if X.ndim != 2 or X.shape[0] != len(y) or len(w) != len(y):
        raise ValueError("logistic.fit: X must be (n, k) with y and weights of length n")
    if np.any((y < 0) | (y > 1)):
        raise ValueError("logistic.fit: targets must lie in [0, 1]")
    k = X.shape[1]
    beta = np.zeros(k)
    ll = _loglik(X, y, w, beta, l2)
    converged, it = False, 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        p = sigmoid(X @ beta)
        grad = X.T @ (w * (y - p)) - l2 * beta
        hess = (X * (w * p * (1 - p))[:, None]).T @ X + l2 * np.eye(k)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        scale = 1.0
        for _ in range(30):
            new = beta + scale * step
            new_ll = _loglik(X, y, w, new, l2)
            if new_ll >= ll - 1e-12:
                break
            scale /= 2
        beta, ll = new, new_ll
        if np.max(np.abs(scale * step)) < tol:
            converged = True
            break
    p = sigmoid(X @ beta)
    hess = (X * (w * p * (1 - p))[:, None]).T @ X + l2 * np.eye(k)
    try:
        se = np.sqrt(np.clip(np.diag(np.linalg.inv(hess)), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(k, np.nan)
    return Fit(coef=beta, se=se, loglik=ll, iterations=it, converged=converged)
