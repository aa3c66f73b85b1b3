"""scikit-learn's regularized NMF objective and its gradients.

The KKT check of this objective is :func:`nmf_teach.objective.kkt_residual`
(pass the same ``alpha_W``, ``alpha_H``, ``l1_ratio``).

Explained in *Regularization* (``book/08_regularization``).

scikit-learn's :class:`sklearn.decomposition.NMF` (Frobenius loss) minimizes

    L(W, H) = ½‖X − WH‖²_F
              + l1_W ‖vec(W)‖₁ + l1_H ‖vec(H)‖₁
              + ½ l2_W ‖W‖²_F + ½ l2_H ‖H‖²_F,

with the penalty weights (see :func:`penalty_weights`)

    l1_W = α_W · l1_ratio · n_features,     l2_W = α_W · (1 − l1_ratio) · n_features,
    l1_H = α_H · l1_ratio · n_samples,      l2_H = α_H · (1 − l1_ratio) · n_samples.

``alpha_H="same"`` (scikit-learn's default) means α_H = α_W. Passing
``scaled=False`` drops the ``n_features`` / ``n_samples`` factors; that is *not*
what scikit-learn minimizes, and the book uses it as a deliberately wrong
objective whose KKT conditions fail at scikit-learn's answer.
"""

from __future__ import annotations

import numpy as np

from ._validation import validate_positive_int, validate_positive_scalar, validate_problem

__all__ = [
    "penalty_weights",
    "regularized_objective",
    "regularized_gradients",
]


def _validate_alphas(alpha_W, alpha_H, l1_ratio):
    alpha_W = validate_positive_scalar(alpha_W, "alpha_W", allow_zero=True)
    if isinstance(alpha_H, str):
        if alpha_H != "same":
            raise ValueError(f"alpha_H must be a non-negative number or 'same', got {alpha_H!r}.")
        alpha_H = alpha_W
    else:
        alpha_H = validate_positive_scalar(alpha_H, "alpha_H", allow_zero=True)
    l1_ratio = validate_positive_scalar(l1_ratio, "l1_ratio", allow_zero=True)
    if l1_ratio > 1:
        raise ValueError(f"l1_ratio must lie in [0, 1], got {l1_ratio}.")
    return alpha_W, alpha_H, l1_ratio


def penalty_weights(n_samples, n_features, *, alpha_W=0.0, alpha_H="same", l1_ratio=0.0, scaled=True):
    """The four penalty weights scikit-learn puts in front of the norms.

    Parameters
    ----------
    n_samples, n_features : int
        The shape (m, n) of X.
    alpha_W : float, default=0.0
        Strength of the penalties on W.
    alpha_H : float or "same", default="same"
        Strength of the penalties on H; "same" copies ``alpha_W``.
    l1_ratio : float in [0, 1], default=0.0
        Share of the L1 penalty; ``1 - l1_ratio`` goes to the squared Frobenius
        (L2) penalty.
    scaled : bool, default=True
        Multiply the W weights by ``n_features`` and the H weights by
        ``n_samples``, as scikit-learn (since version 1.0) does.

    Returns
    -------
    dict
        ``{"l1_W", "l1_H", "l2_W", "l2_H"}``, as in scikit-learn's
        ``NMF._compute_regularization``.

    Notes
    -----
    Explained in *Regularization*.
    """
    m = validate_positive_int(n_samples, "n_samples")
    n = validate_positive_int(n_features, "n_features")
    aW, aH, r = _validate_alphas(alpha_W, alpha_H, l1_ratio)
    if not isinstance(scaled, (bool, np.bool_)):
        raise TypeError(f"scaled must be True or False, got {scaled!r} of type {type(scaled).__name__}.")
    sW, sH = (n, m) if scaled else (1, 1)
    return {
        "l1_W": sW * aW * r,
        "l1_H": sH * aH * r,
        "l2_W": sW * aW * (1.0 - r),
        "l2_H": sH * aH * (1.0 - r),
    }


def regularized_objective(X, W, H, *, alpha_W=0.0, alpha_H="same", l1_ratio=0.0, scaled=True):
    """scikit-learn's full objective L(W, H) for the Frobenius loss.

    ``½‖X − WH‖²_F + l1_W Σ|W| + l1_H Σ|H| + ½ l2_W ‖W‖²_F + ½ l2_H ‖H‖²_F``
    with the weights of :func:`penalty_weights`.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        Non-negative.
    alpha_W, alpha_H, l1_ratio, scaled
        As in :func:`penalty_weights`.

    Returns
    -------
    float

    Notes
    -----
    With ``alpha_W=0`` it equals :func:`nmf_teach.objective.sklearn_objective`, half of
    :func:`nmf_teach.objective.loss`. Explained in *Regularization*.
    """
    X, W, H = validate_problem(X, W, H)
    p = penalty_weights(*X.shape, alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio, scaled=scaled)
    R = X - W @ H
    return float(
        0.5 * np.sum(R * R)
        + p["l1_W"] * np.abs(W).sum()
        + p["l1_H"] * np.abs(H).sum()
        + 0.5 * p["l2_W"] * np.sum(W * W)
        + 0.5 * p["l2_H"] * np.sum(H * H)
    )


def regularized_gradients(X, W, H, *, alpha_W=0.0, alpha_H="same", l1_ratio=0.0, scaled=True):
    """Gradients of :func:`regularized_objective` on the non-negative orthant.

    ``∇_W L = (WH − X)Hᵀ + l1_W + l2_W W`` and ``∇_H L = Wᵀ(WH − X) + l1_H + l2_H H``
    (the L1 term ``Σ|W|`` equals ``Σ W`` for W ≥ 0, so its gradient is the constant
    ``l1_W``).

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        Non-negative.
    alpha_W, alpha_H, l1_ratio, scaled
        As in :func:`penalty_weights`.

    Returns
    -------
    grad_W : ndarray of shape (m, k)
    grad_H : ndarray of shape (k, n)

    Notes
    -----
    Explained in *Regularization*.
    """
    X, W, H = validate_problem(X, W, H)
    p = penalty_weights(*X.shape, alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio, scaled=scaled)
    R = W @ H - X
    grad_W = R @ H.T + p["l1_W"] + p["l2_W"] * W
    grad_H = W.T @ R + p["l1_H"] + p["l2_H"] * H
    return grad_W, grad_H
