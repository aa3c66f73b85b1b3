"""nt.checks: every check accepts a right answer, refuses the stub with the task's name, and
names the typical wrong answers (the sources' own mistakes among them) in words."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF

import nmf_teach as nt

C = nt.checks


# --------------------------------------------------------------------------- right answers
# Written the way a student would write them (not with the package's kernels).
def loss(X, W, H):
    return float(np.sum((X - W @ H) ** 2))


def _guard(D):
    return np.where(D == 0, np.finfo(np.float32).eps, D)


def mu_step(X, W, H):
    W = W * (X @ H.T) / _guard(W @ H @ H.T)
    H = H * (W.T @ X) / _guard(W.T @ W @ H)
    return W, H


def mu_solver(X, W0, H0, n_iter):
    W, H = W0.copy(), H0.copy()
    losses = [loss(X, W, H)]
    for _ in range(n_iter):
        W, H = mu_step(X, W, H)
        losses.append(loss(X, W, H))
    return W, H, losses


def first_increase(losses, rtol=1e-12):
    for t in range(1, len(losses)):
        if losses[t] > losses[t - 1] + rtol * abs(losses[t - 1]):
            return t
    return None


def grad_W(X, W, H):
    return -2 * X @ H.T + 2 * W @ (H @ H.T)


def grad_H(X, W, H):
    return -2 * W.T @ X + 2 * (W.T @ W) @ H


def finite_difference(f, A, h=1e-6):
    G = np.zeros_like(A)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            E = np.zeros_like(A)
            E[i, j] = h
            G[i, j] = (f(A + E) - f(A - E)) / (2 * h)
    return G


def learning_rate_H(W, H):
    return H / _guard(2 * W.T @ W @ H)


def mu_update_H(X, W, H):
    return H - learning_rate_H(W, H) * grad_H(X, W, H)


def objective(X, W, H, alpha_W, alpha_H, l1_ratio):
    m, n = X.shape
    data = 0.5 * np.sum((X - W @ H) ** 2)
    l1 = alpha_W * l1_ratio * n * W.sum() + alpha_H * l1_ratio * m * H.sum()
    l2 = 0.5 * alpha_W * (1 - l1_ratio) * n * np.sum(W**2) + 0.5 * alpha_H * (1 - l1_ratio) * m * np.sum(H**2)
    return data + l1 + l2


def fit(X, k, seed, alpha=0.0):
    model = NMF(n_components=k, init="random", random_state=seed, alpha_W=alpha, l1_ratio=0.0,
                tol=1e-10, max_iter=5000)
    W = model.fit_transform(X)
    return W, model.components_


def rescale(W, H):
    d = H.max(axis=1)
    d = np.where(d > 0, d, 1.0)
    return W * d, H / d[:, None]


def match(H_ref, H):
    A = H_ref / np.linalg.norm(H_ref, axis=1, keepdims=True)
    B = H / np.linalg.norm(H, axis=1, keepdims=True)
    cost = np.linalg.norm(A[:, None, :] - B[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    return cols[np.argsort(rows)]


def count_distinct(solutions, tol=1e-3):
    reps = []
    for W, H in solutions:
        W, H = rescale(W, H)
        for Wr, Hr in reps:
            p = match(Hr, H)
            dist = max(np.linalg.norm(W[:, p] - Wr) / np.linalg.norm(Wr),
                       np.linalg.norm(H[p] - Hr) / np.linalg.norm(Hr))
            if dist <= tol:
                break
        else:
            reps.append((W, H))
    return len(reps)


def hide_entries(X, fraction, seed):
    rng = np.random.default_rng(seed)
    M = np.ones(X.shape, dtype=bool)
    M.flat[rng.choice(X.size, size=round(fraction * X.size), replace=False)] = False
    return M


def masked_loss(X, W, H, M):
    return float(np.sum(np.where(M, X - W @ H, 0.0) ** 2))


def masked_mu_step(X, W, H, M):
    Y = np.where(M, X, 0.0)
    W = W * (Y @ H.T) / _guard((M * (W @ H)) @ H.T)
    H = H * (W.T @ Y) / _guard(W.T @ (M * (W @ H)))
    return W, H


def rmse_hidden(X, W, H, M):
    return float(np.sqrt(np.mean((X - W @ H)[~M] ** 2)))


def recommend(W, H, M, user, n=3):
    scores = (W @ H)[user]
    unrated = np.flatnonzero(~M[user])
    return unrated[np.argsort(-scores[unrated])][:n]


RIGHT = {
    "check_loss": (loss,), "check_mu_step": (mu_step,), "check_mu_solver": (mu_solver,),
    "check_first_increase": (first_increase,), "check_gradients": (grad_W, grad_H),
    "check_finite_difference": (finite_difference,), "check_learning_rate_H": (learning_rate_H,),
    "check_mu_update_H": (mu_update_H,), "check_regularized_objective": (objective,), "check_fit": (fit,),
    "check_rescale": (rescale,), "check_match": (match,), "check_count_distinct": (count_distinct,),
    "check_hide_entries": (hide_entries,), "check_masked_loss": (masked_loss,),
    "check_masked_mu_step": (masked_mu_step,), "check_rmse_hidden": (rmse_hidden,),
    "check_recommend": (recommend,),
}


def test_every_check_is_listed():
    assert sorted(RIGHT) == sorted(C.__all__)


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_check_accepts_the_right_answer(check, capsys):
    getattr(C, check)(*RIGHT[check])
    out = capsys.readouterr().out
    assert out.startswith("✓") and "right:" in " ".join(out.split())


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_check_refuses_the_stub_naming_the_task(check):
    def stub(*args, **kwargs):
        raise NotImplementedError("Task 7: write it")

    fns = [stub] * len(RIGHT[check])
    with pytest.raises(NotImplementedError, match=r"^Task 7: write it — .* still raises NotImplementedError"):
        getattr(C, check)(*fns)


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_check_needs_the_function_not_its_value(check):
    with pytest.raises(TypeError, match="without parentheses"):
        getattr(C, check)(*([1.0] * len(RIGHT[check])))


def test_an_extra_eps_in_every_denominator_is_accepted(capsys):
    def step(X, W, H):
        W = W * (X @ H.T) / (W @ H @ H.T + 1e-12)
        H = H * (W.T @ X) / (W.T @ W @ H + 1e-12)
        return W, H

    C.check_mu_step(step)


# --------------------------------------------------------------------------- wrong answers
def _g(D):
    return _guard(D)


def _typo_step(X, W, H):  # source 001's last line: WᵀH in the numerator
    W = W * (X @ H.T) / _g(W @ H @ H.T)
    H = H * (W.T @ H) / _g(W.T @ W @ H)
    return W, H


def _h_first(X, W, H):
    H = H * (W.T @ X) / _g(W.T @ W @ H)
    W = W * (X @ H.T) / _g(W @ H @ H.T)
    return W, H


def _old_w(X, W, H):
    W1 = W * (X @ H.T) / _g(W @ H @ H.T)
    return W1, H * (W.T @ X) / _g(W.T @ W @ H)


def _in_place(X, W, H):
    W *= (X @ H.T) / _g(W @ H @ H.T)
    H *= (W.T @ X) / _g(W.T @ W @ H)
    return W, H


def _unguarded(X, W, H):
    W = W * (X @ H.T) / (W @ H @ H.T)
    H = H * (W.T @ X) / (W.T @ W @ H)
    return W, H


def _ratio_only(X, W, H):
    W = (X @ H.T) / _g(W @ H @ H.T)
    return W, (W.T @ X) / _g(W.T @ W @ H)


def _swapped(X, W, H):
    return mu_step(X, W, H)[::-1]


def _double(X, W, H):
    W = W - W / _g(W @ H @ H.T) * grad_W(X, W, H)
    return W, H - H / _g(W.T @ W @ H) * grad_H(X, W, H)


def _no_return(X, W, H):
    mu_step(X, W, H)


def _solver_with(step, X, W, H, n):
    losses = [loss(X, W, H)]
    for _ in range(n):
        W, H = step(X, W, H)
        losses.append(loss(X, W, H))
    return W, H, losses


def _forward(f, A, h):
    G = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        E = np.zeros_like(A)
        E[idx] = h
        G[idx] = (f(A + E) - f(A)) / h
    return G


def _fd_forgets_to_restore(f, A, h=1e-6):
    G = np.zeros_like(A)
    for idx in np.ndindex(A.shape):
        A[idx] += h
        fp = f(A)
        A[idx] -= 2 * h
        G[idx] = (fp - f(A)) / (2 * h)
    return G


def _objective_unscaled(X, W, H, aW, aH, r):
    return (0.5 * np.sum((X - W @ H) ** 2) + aW * r * W.sum() + aH * r * H.sum()
            + 0.5 * aW * (1 - r) * np.sum(W**2) + 0.5 * aH * (1 - r) * np.sum(H**2))


def _objective_swapped(X, W, H, aW, aH, r):
    n, m = X.shape
    return (0.5 * np.sum((X - W @ H) ** 2) + aW * r * n * W.sum() + aH * r * m * H.sum()
            + 0.5 * aW * (1 - r) * n * np.sum(W**2) + 0.5 * aH * (1 - r) * m * np.sum(H**2))


def _fit_default_tol(X, k, seed, alpha):
    model = NMF(n_components=k, init="random", random_state=seed, alpha_W=alpha, l1_ratio=0.0)
    return model.fit_transform(X), model.components_


_CALLS = iter(range(10**6))


def _fit_unseeded(X, k, seed, alpha=0.0):
    return fit(X, k, seed + 17 * next(_CALLS), alpha)


def _match_raw(H_ref, H):
    rows, cols = linear_sum_assignment(np.linalg.norm(H_ref[:, None, :] - H[None, :, :], axis=2))
    return cols[np.argsort(rows)]


def _match_greedy(H_ref, H):
    A = H_ref / np.linalg.norm(H_ref, axis=1, keepdims=True)
    B = H / np.linalg.norm(H, axis=1, keepdims=True)
    cost = np.linalg.norm(A[:, None, :] - B[None, :, :], axis=2)
    taken = []
    for i in range(len(A)):
        taken.append(min((j for j in range(len(B)) if j not in taken), key=lambda j: cost[i, j]))
    return np.array(taken)


def _count(solutions, tol, scale=True, order=True):
    reps = []
    for W, H in solutions:
        if scale:
            W, H = rescale(W, H)
        for Wr, Hr in reps:
            p = match(Hr, H) if order else np.arange(H.shape[0])
            d = max(np.linalg.norm(W[:, p] - Wr) / np.linalg.norm(Wr), np.linalg.norm(H[p] - Hr) / np.linalg.norm(Hr))
            if d <= tol:
                break
        else:
            reps.append((W, H))
    return len(reps)


def _masked_typo(X, W, H, M):
    Y = np.where(M, X, 0.0)
    W = W * (Y @ H.T) / _g((M * (W @ H)) @ H.T)
    H = H * (W.T @ H) / _g(W.T @ (M * (W @ H)))
    return W, H


def _masked_nan(X, W, H, M):
    W = W * ((M * X) @ H.T) / _g((M * (W @ H)) @ H.T)
    H = H * (W.T @ (M * X)) / _g(W.T @ (M * (W @ H)))
    return W, H


def _masked_unguarded(X, W, H, M):
    Y = np.where(M, X, 0.0)
    W = W * (Y @ H.T) / ((M * (W @ H)) @ H.T)
    H = H * (W.T @ Y) / (W.T @ (M * (W @ H)))
    return W, H


WRONG = [
    # (check, wrong functions, what the message must say)
    ("check_loss", (lambda X, W, H: np.linalg.norm(X - W @ H),), "the norm itself"),
    ("check_loss", (lambda X, W, H: 0.5 * np.sum((X - W @ H) ** 2),), "has no ½"),
    ("check_loss", (lambda X, W, H: np.mean((X - W @ H) ** 2),), "a mean"),
    ("check_loss", (lambda X, W, H: np.sum((X - W * H) ** 2),), "W @ H"),
    ("check_loss", (lambda X, W, H: np.sum((X - H @ W) ** 2),), "you used HW"),
    ("check_loss", (lambda X, W, H: (X - W @ H) ** 2,), "one number"),
    ("check_mu_step", (_typo_step,), "numerator of the H update should be WᵀX; you used WᵀH"),
    ("check_mu_step", (_h_first,), "H was updated before W"),
    ("check_mu_step", (_old_w,), "H was updated with the old W"),
    ("check_mu_step", (_in_place,), "changed its input W in place"),
    ("check_mu_step", (_unguarded,), "NaN"),
    ("check_mu_step", (_ratio_only,), "the ratio alone"),
    ("check_mu_step", (_swapped,), "return (W_new, H_new)"),
    ("check_mu_step", (_double,), "twice too long"),
    ("check_mu_step", (_no_return,), "returned None"),
    ("check_mu_step", (lambda X, W, H: (W, H),), "came back unchanged"),
    ("check_mu_step", (lambda X, W, H: (W, H * (W.T @ X) / _g(W.T @ W @ H)),), "W was not updated"),
    ("check_mu_step", (lambda X, W, H: (W @ np.ones((W.shape[1], W.shape[1])), H + 0.1),),
     "the loss increased at iteration"),
    ("check_mu_step", (lambda X, W, H: (mu_step(X, W, H)[0], mu_step(X, W, H)[1] - 0.05),),
     "an entry became negative at iteration"),
    ("check_mu_solver", (lambda X, W0, H0, n: (*mu_solver(X, W0, H0, n)[:2], mu_solver(X, W0, H0, n)[2][1:]),),
     "no entry for the start"),
    ("check_mu_solver", (lambda X, W0, H0, n: mu_solver(X, W0, H0, max(n - 1, 0))[:2] + (mu_solver(X, W0, H0, n)[2],),),
     "n_iter − 1"),
    ("check_mu_solver", (lambda X, W0, H0, n: _solver_with(_typo_step, X, W0, H0, n),), "you used WᵀH"),
    ("check_mu_solver", (lambda X, W0, H0, n: _solver_with(_h_first, X, W0, H0, n),), "H was updated before W"),
    ("check_mu_solver", (lambda X, W0, H0, n: _solver_with(_in_place, X, W0, H0, n),), "changed its input W0"),
    ("check_mu_solver", (lambda X, W0, H0, n: mu_solver(X, W0, H0, n)[:2],), "three things"),
    ("check_first_increase", (lambda L, rtol=1e-12: next((t for t in range(1, len(L)) if L[t] >= L[t - 1]), None),),
     "compare with >, not >="),
    ("check_first_increase", (lambda L, rtol=1e-12: next((t for t in range(1, len(L)) if L[t] > L[t - 1]), None),),
     "rounding"),
    ("check_first_increase", (lambda L, rtol=1e-12: next((t - 1 for t in range(1, len(L))
                                                          if L[t] > L[t - 1] * (1 + rtol)), None),), "t − 1"),
    ("check_first_increase", (lambda L, rtol=1e-12: ([t for t in range(1, len(L)) if L[t] > L[t - 1] * (1 + rtol)]
                                                     or [None])[-1],), "the last increase"),
    ("check_first_increase", (lambda L, rtol=1e-12: any(L[t] > L[t - 1] * (1 + rtol) for t in range(1, len(L))),),
     "not True/False"),
    ("check_first_increase", (lambda L, rtol=1e-12: next((L[t] for t in range(1, len(L))
                                                          if L[t] > L[t - 1] * (1 + rtol)), None),), "loss value"),
    ("check_first_increase", (lambda L, rtol=1e-12: first_increase(L),), "rtol argument"),
    ("check_gradients", (lambda X, W, H: grad_W(X, W, H) / 2, grad_H), "½‖X − WH‖²_F"),
    ("check_gradients", (grad_W, lambda X, W, H: -2 * W.T @ H + 2 * W.T @ W @ H), "source 001's typo"),
    ("check_gradients", (grad_W, lambda X, W, H: -grad_H(X, W, H)), "signs are flipped"),
    ("check_gradients", (lambda X, W, H: -2 * X @ H.T + 2 * (H @ H.T) @ W, grad_H), "do not commute"),
    ("check_gradients", (grad_W, lambda X, W, H: -2 * X.T @ W + 2 * H.T @ (W.T @ W)), "the shape of Hᵀ"),
    ("check_gradients", (grad_W, lambda X, W, H: 2 * W.T @ W @ H), "−2WᵀX is missing"),
    ("check_finite_difference", (lambda f, A, h=1e-6: _forward(f, A, h),), "forward difference"),
    ("check_finite_difference", (lambda f, A, h=1e-6: 2 * finite_difference(f, A, h),), "divide by 2h"),
    ("check_finite_difference", (lambda f, A, h=1e-6: np.full_like(A, (f(A + h) - f(A - h)) / (2 * h)),),
     "all entries of A at once"),
    ("check_finite_difference", (_fd_forgets_to_restore,), "changed its input A in place"),
    ("check_finite_difference", (lambda f, A, h=1e-6: finite_difference(f, A, h).ravel(),), "A's shape"),
    ("check_learning_rate_H", (lambda W, H: H / (W.T @ W @ H),), "source 001's rate"),
    ("check_learning_rate_H", (lambda W, H: 1 / (2 * W.T @ W @ H),), "needs H in its numerator"),
    ("check_learning_rate_H", (lambda W, H: H / (2 * W.T @ W @ H),), "NaN or infinite"),
    ("check_learning_rate_H", (lambda W, H: learning_rate_H(W, H).T,), "element-wise rate"),
    ("check_mu_update_H", (lambda X, W, H: H * (W.T @ H) / _g(W.T @ W @ H),), "you used WᵀH"),
    ("check_mu_update_H", (lambda X, W, H: H - H / _g(W.T @ W @ H) * grad_H(X, W, H),), "twice too long"),
    ("check_mu_update_H", (lambda X, W, H: H - learning_rate_H(W, H) * H * grad_H(X, W, H),), "H appears twice"),
    ("check_mu_update_H", (lambda X, W, H: H + learning_rate_H(W, H) * grad_H(X, W, H),), "subtracts"),
    ("check_mu_update_H", (lambda X, W, H: H * (W.T @ X) / (W.T @ W @ H),), "NaN"),
    ("check_regularized_objective", (lambda X, W, H, aW, aH, r: objective(X, W, H, aW, aH, r)
                                     - 0.5 * np.sum((X - W @ H) ** 2) + 0.5 * np.sum((X - H @ W) ** 2),),
     "source 003's typo"),
    ("check_regularized_objective", (_objective_unscaled,), "n_features"),
    ("check_regularized_objective", (lambda X, W, H, aW, aH, r: objective(X, W, H, aW, aH, r)
                                     + 0.5 * np.sum((X - W @ H) ** 2),), "carries a ½"),
    ("check_regularized_objective", (lambda X, W, H, aW, aH, r: objective(X, W, H, aW, aH, 1 - r),), "share of the L1"),
    ("check_regularized_objective", (lambda X, W, H, aW, aH, r: objective(X, W, H, aW, aW, r),), "alpha_H"),
    ("check_regularized_objective", (_objective_swapped,), "swapped"),
    ("check_fit", (lambda X, k, seed, alpha=0.0: fit(X, k, 0, alpha),), "seed is not used"),
    ("check_fit", (lambda X, k, seed, alpha=0.0: fit(X, k, seed, 0.0),), "alpha is ignored"),
    ("check_fit", (lambda X, k, seed, alpha=0.0: _fit_default_tol(X, k, seed, alpha),), "not converged"),
    ("check_fit", (lambda X, k, seed, alpha=0.0: fit(X, k, seed, alpha)[::-1],), "return them in the order (W, H)"),
    ("check_fit", (_fit_unseeded,), "not seeded"),
    ("check_rescale", (lambda W, H: (W, rescale(W, H)[1]),), "multiply column r of W"),
    ("check_rescale", (lambda W, H: (W * H.sum(axis=1), H / H.sum(axis=1, keepdims=True)),), "sums to 1"),
    ("check_rescale", (lambda W, H: (W * H.max(axis=1), H / H.max(axis=1, keepdims=True)),), "divide by 1"),
    ("check_rescale", (lambda W, H: (W * H.max(axis=1), H / H.max(axis=1)),), "d[:, None]"),
    ("check_match", (lambda Hr, H: np.argsort(match(Hr, H)),), "inverse order"),
    ("check_match", (lambda Hr, H: np.argmin(np.linalg.norm(Hr[:, None] / np.linalg.norm(Hr, axis=1)[:, None, None]
                                                             - H[None] / np.linalg.norm(H, axis=1)[None, :, None],
                                                             axis=2), axis=1),), "used twice"),
    ("check_match", (_match_raw,), "compared the raw rows"),
    ("check_match", (_match_greedy,), "greedy"),
    ("check_match", (lambda Hr, H: H[match(Hr, H)],), "reordered H"),
    ("check_count_distinct", (lambda sols, tol=1e-3: _count(sols, tol, scale=False, order=False),), "raw factors"),
    ("check_count_distinct", (lambda sols, tol=1e-3: _count(sols, tol, scale=True, order=False),), "did not match"),
    ("check_count_distinct", (lambda sols, tol=1e-3: _count(sols, 0.0),), "compared exactly"),
    ("check_count_distinct", (lambda sols, tol=1e-3: count_distinct(sols),), "ignored the tol"),
    ("check_count_distinct", (lambda sols, tol=1e-3: _count(sols, tol, scale=False, order=True),), "did not rescale"),
    ("check_count_distinct", (lambda sols, tol=1e-3: len(sols),), "number of runs"),
    ("check_hide_entries", (lambda X, f, s: ~hide_entries(X, f, s),), "True where the entry is hidden"),
    ("check_hide_entries", (lambda X, f, s: np.random.default_rng(s).random(X.shape) >= f,), "exactly that many"),
    ("check_hide_entries", (lambda X, f, s: hide_entries(X, f, 0),), "seed argument is not used"),
    ("check_hide_entries", (lambda X, f, s: hide_entries(X, f, s).astype(int),), "boolean"),
    ("check_masked_loss", (lambda X, W, H, M: np.sum((M * (X - W @ H)) ** 2),), "0 × NaN is NaN"),
    ("check_masked_loss", (lambda X, W, H, M: np.sum((X - W @ H) ** 2),), "hidden entries too"),
    ("check_masked_loss", (lambda X, W, H, M: np.mean((X - W @ H)[M] ** 2),), "a mean"),
    ("check_masked_mu_step", (lambda X, W, H, M: mu_step(np.where(M, X, 0), W, H),), "observed zeros"),
    ("check_masked_mu_step", (_masked_typo,), "you used WᵀH"),
    ("check_masked_mu_step", (_masked_nan,), "0 × NaN is NaN"),
    ("check_masked_mu_step", (_masked_unguarded,), "nobody rated"),
    ("check_rmse_hidden", (lambda X, W, H, M: np.sqrt(np.mean((X - W @ H)[M] ** 2)),), "training error"),
    ("check_rmse_hidden", (lambda X, W, H, M: np.mean((X - W @ H)[~M] ** 2),), "square root"),
    ("check_rmse_hidden", (lambda X, W, H, M: np.sqrt(np.mean((X - W @ H) ** 2)),), "all entries"),
    ("check_recommend", (lambda W, H, M, u, n=3: np.argsort(-(W @ H)[u])[:n],), "already rated"),
    ("check_recommend", (lambda W, H, M, u, n=3: np.flatnonzero(~M[u])[np.argsort((W @ H)[u][~M[u]])][:n],),
     "reversed"),
    ("check_recommend", (lambda W, H, M, u, n=3: np.argsort(-(W @ H)[u][~M[u]])[:n],), "positions"),
    ("check_recommend", (lambda W, H, M, u, n=3: np.sort((W @ H)[u][~M[u]])[::-1][:n],), "scores"),
]



@pytest.mark.parametrize("check, fns, message", WRONG, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(WRONG)])
def test_check_names_the_mistake(check, fns, message):
    with pytest.raises(AssertionError) as err:
        getattr(C, check)(*fns)
    assert message in str(err.value), str(err.value)


def test_every_check_knows_at_least_two_wrong_answers():
    counts = {c: sum(1 for w in WRONG if w[0] == c) for c in RIGHT}
    assert all(n >= 2 for n in counts.values()), counts


def test_the_sources_wt_h_numerator_is_caught_wherever_it_can_occur():
    checks = {c for c, _, message in WRONG if "WᵀH" in message or "source 001's typo" in message}
    assert {"check_mu_step", "check_mu_solver", "check_gradients", "check_mu_update_H",
            "check_masked_mu_step"} <= checks


def test_a_student_exception_is_explained_not_raised():
    def broken(X, W, H):  # right when everything is square, a size error otherwise
        return mu_step(X, W, H) if X.shape[0] == X.shape[1] else (W.T @ X @ H, H)

    with pytest.raises(AssertionError, match="raised ValueError .* The sizes of a product do not fit"):
        C.check_mu_step(broken)


# --------------------------------------------------------------------------- the harness
def test_a_check_returns_a_result_a_script_can_read(capsys):
    result = C.check_loss(loss)
    assert isinstance(result, C.CheckResult) and result.passed and result.points == result.max_points == 2
    assert result.message.startswith("✓") and capsys.readouterr().out.strip() == result.message
    wrong = C.check_loss(lambda X, W, H: float(np.linalg.norm(X - W @ H)), strict=False)
    assert not wrong.passed and wrong.points == 0 and "the norm itself" in wrong.message
    assert capsys.readouterr().out.startswith("✗ ")
    with pytest.raises(AssertionError, match="the norm itself"):
        C.check_loss(lambda X, W, H: float(np.linalg.norm(X - W @ H)))
    stub = C.check_loss(lambda X, W, H: (_ for _ in ()).throw(NotImplementedError("Task 1: write loss")),
                        strict=False)
    assert not stub.passed and stub.message.startswith("Task 1: write loss")


def test_grade_gives_the_points_of_the_hidden_tests(capsys):
    assert C.grade(C.check_loss, loss) == C.TASKS["check_loss"].hidden_points == 1.0
    assert "hidden tests" in capsys.readouterr().out
    as32 = lambda X, W, H: float(np.sum((X.astype(np.float32) - W.astype(np.float32) @ H.astype(np.float32)) ** 2))  # noqa: E731
    assert C.check_loss(as32, strict=False).passed          # the public cases cannot tell float32 apart ...
    assert C.grade(C.check_loss, as32) == 0.0                # ... the hidden ones do
    assert "float32" in capsys.readouterr().out


@pytest.mark.parametrize("check", sorted(RIGHT))
def test_right_answers_pass_the_hidden_tests(check):
    result = getattr(C, check)(*RIGHT[check], hidden=True, strict=False)
    assert result.passed, result.message


def test_every_task_is_in_the_table_with_its_points():
    assert sorted(C.TASKS) == sorted(C.__all__)
    per_lab = {}
    for task in C.TASKS.values():
        per_lab.setdefault(task.lab, []).append(task.number)
        assert task.points > 0 and task.hidden_points > 0
        assert all(name in C.REFERENCES for name in task.uses)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in per_lab.values())


def test_a_later_task_is_graded_with_the_reference_of_the_earlier_ones():
    """One mistake costs once: a right solver passes although the student's mu_step and loss are wrong."""
    space = {"np": np}
    exec(
        "def loss(X, W, H):\n    return 0.5 * float(np.sum((X - W @ H) ** 2))\n"
        "def mu_step(X, W, H):\n    return W, H\n"
        "def mu_solver(X, W0, H0, n_iter):\n"
        "    W, H = W0.copy(), H0.copy()\n    losses = [loss(X, W, H)]\n"
        "    for _ in range(n_iter):\n        W, H = mu_step(X, W, H)\n        losses.append(loss(X, W, H))\n"
        "    return W, H, losses\n", space)
    wrong_step, wrong_loss = space["mu_step"], space["loss"]
    assert C.check_mu_solver(space["mu_solver"], hidden=True, strict=False).passed
    assert space["mu_step"] is wrong_step and space["loss"] is wrong_loss      # the student's own are back
    assert not C.check_mu_step(wrong_step, strict=False).passed


# --------------------------------------------------------------------------- correct alternatives
def _einsum_loss(X, W, H):
    R = X - np.einsum("ik,kj->ij", W, H)
    return float(np.einsum("ij,ij->", R, R))


def _loop_loss(X, W, H):
    total = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            total += (X[i, j] - sum(W[i, r] * H[r, j] for r in range(W.shape[1]))) ** 2
    return total


def _divide_where(a, b):
    return np.divide(a, b, out=np.zeros_like(a * b), where=b != 0)


def _step_divide_where(X, W, H):
    W = W * _divide_where(X @ H.T, W @ (H @ H.T))
    H = H * _divide_where(W.T @ X, (W.T @ W) @ H)
    return W, H


def _update_H(X, W, H):
    return H * (W.T @ X) / _guard((W.T @ W) @ H)


def _step_by_transposition(X, W, H):
    W = _update_H(X.T, H.T, W.T).T        # the H update of the transposed problem Xᵀ ≈ HᵀWᵀ
    return W, _update_H(X, W, H)


def _numpy_first_increase(losses, rtol=1e-12):
    losses = np.asarray(losses, dtype=float)
    rises = np.flatnonzero(losses[1:] > losses[:-1] + rtol * np.abs(losses[:-1]))
    return int(rises[0]) + 1 if rises.size else None


def _pandas_recommend(W, H, M, user, n=3):
    pd = pytest.importorskip("pandas")

    scores = pd.Series((W @ H)[user])
    return scores[~M[user]].sort_values(ascending=False, kind="stable").index[:n]


def _np_round_hide(X, fraction, seed):
    rng = np.random.default_rng(seed)
    M = np.ones(X.shape, dtype=bool)
    M.flat[rng.permutation(X.size)[:int(np.round(fraction * X.size))]] = False
    return M


ALTERNATIVES = [
    ("check_loss", (_einsum_loss,)), ("check_loss", (_loop_loss,)),
    ("check_mu_step", (_step_divide_where,)), ("check_mu_step", (_step_by_transposition,)),
    ("check_first_increase", (_numpy_first_increase,)),
    ("check_recommend", (_pandas_recommend,)), ("check_recommend", (lambda *a, **k: list(recommend(*a, **k)),)),
    ("check_hide_entries", (_np_round_hide,)),
    ("check_mu_update_H", (lambda X, W, H: H * _divide_where(W.T @ X, (W.T @ W) @ H),)),
]


@pytest.mark.parametrize("check, fns", ALTERNATIVES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ALTERNATIVES)])
def test_a_correct_alternative_is_never_rejected(check, fns):
    result = getattr(C, check)(*fns, hidden=True, strict=False)
    assert result.passed, result.message


# --------------------------------------------------------------------------- mistakes that passed before
def _as32(fn):
    return lambda *a, **k: fn(*[np.asarray(x, dtype=np.float32) if isinstance(x, np.ndarray) else x for x in a], **k)


def _early_stop_solver(X, W0, H0, n_iter, tol=1e-6):
    W, H = W0.copy(), H0.copy()
    losses = [loss(X, W, H)]
    for _ in range(n_iter):
        W, H = mu_step(X, W, H)
        losses.append(loss(X, W, H))
        if losses[-2] - losses[-1] < tol * losses[-2]:
            break
    return W, H, losses


def _abs_first_increase(losses, rtol=1e-12):
    return next((t for t in range(1, len(losses)) if losses[t] > losses[t - 1] + rtol), None)


def _abs_first_increase_diff(losses, rtol=1e-12):
    d = np.diff(np.asarray(losses, dtype=float))
    hits = np.flatnonzero(d > rtol)
    return int(hits[0]) + 1 if hits.size else None


def _products_count(solutions, tol=1e-3):
    reps = []
    for W, H in solutions:
        P = W @ H
        if not any(np.linalg.norm(P - Q) <= tol * np.linalg.norm(Q) for Q in reps):
            reps.append(P)
    return len(reps)


def _absolute_count(solutions, tol=1e-3):
    reps = []
    for W, H in solutions:
        W, H = rescale(W, H)
        same = False
        for Wr, Hr in reps:
            p = match(Hr, H)
            same |= max(np.abs(W[:, p] - Wr).max(), np.abs(H[p] - Hr).max()) <= tol
        if not same:
            reps.append((W, H))
    return len(reps)


def _int_hide(X, fraction, seed):
    rng = np.random.default_rng(seed)
    M = np.ones(X.shape, dtype=bool)
    M.flat[rng.choice(X.size, size=int(fraction * X.size), replace=False)] = False
    return M


def _floor_hide(X, fraction, seed):
    import math

    rng = np.random.default_rng(seed)
    M = np.ones(X.shape, dtype=bool)
    M.flat[rng.permutation(X.size)[:math.floor(fraction * X.size)]] = False
    return M


def _label_recommend(W, H, M, user, n=3):
    """Item names, as a pandas index of names would give them (np.asarray of it is this array)."""
    names = np.array([f"item {j}" for j in range(H.shape[1])])
    scores = (W @ H)[user]
    unrated = np.flatnonzero(~M[user])
    return names[unrated[np.argsort(-scores[unrated])]][:n]


def _fit_w_only(X, k, seed, alpha=0.0):
    model = NMF(n_components=k, init="random", random_state=seed, alpha_W=alpha, alpha_H=0.0, l1_ratio=0.0,
                tol=1e-10, max_iter=5000)
    return model.fit_transform(X), model.components_


def _fit_mu(X, k, seed, alpha=0.0):
    model = NMF(n_components=k, init="random", random_state=seed, alpha_W=alpha, l1_ratio=0.0, solver="mu",
                tol=1e-10, max_iter=300)
    return model.fit_transform(X), model.components_


HIDDEN_WRONG = [
    ("check_loss", (_as32(loss),), "float32"),
    ("check_loss", (lambda X, W, H: float(np.sum(np.float32(X - W @ H) ** 2)),), "float32"),
    ("check_mu_step", (_as32(mu_step),), "float32"),
    ("check_mu_solver", (_as32(mu_solver),), "float32"),
    ("check_gradients", (_as32(grad_W), grad_H), "float32"),
    ("check_masked_loss", (_as32(masked_loss),), "float32"),
    ("check_mu_solver", (_early_stop_solver,), "run exactly n_iter iterations"),
    ("check_mu_solver", (lambda X, W0, H0, n_iter: _early_stop_solver(X, W0, H0, n_iter, tol=1e-9),),
     "run exactly n_iter iterations"),
    ("check_first_increase", (_abs_first_increase,), "absolute tolerance"),
    ("check_first_increase", (_abs_first_increase_diff,), "absolute tolerance"),
    ("check_count_distinct", (_products_count,), "compared the products WH"),
    ("check_count_distinct", (_absolute_count,), "absolute distances"),
    ("check_hide_entries", (_int_hide,), "int() cuts the fraction off"),
    ("check_hide_entries", (_floor_hide,), "int() cuts the fraction off"),
    ("check_finite_difference", (lambda f, A, h=1e-6: finite_difference(f, A),), "ignored the h argument"),
]


@pytest.mark.parametrize("check, fns, message", HIDDEN_WRONG,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(HIDDEN_WRONG)])
def test_the_hidden_tests_name_the_mistakes_that_passed(check, fns, message):
    result = getattr(C, check)(*fns, hidden=True, strict=False)
    assert not result.passed and message in result.message, result.message


def test_item_labels_get_a_message_not_a_crash():
    with pytest.raises(AssertionError, match="labels that are not item numbers"):
        C.check_recommend(_label_recommend)


def test_a_penalty_on_w_only_is_named_not_called_unconverged():
    with pytest.raises(AssertionError, match=r"penalty is on W only \(alpha_H=0\)"):
        C.check_fit(_fit_w_only)


def test_the_advice_for_an_unconverged_fit_does_not_assume_the_defaults():
    with pytest.raises(AssertionError) as err:
        C.check_fit(_fit_mu)
    text = str(err.value)
    assert "not converged" in text and "If you did" in text and "solver='mu'" in text


def test_a_broken_mistake_variant_is_not_swallowed():
    """Only 'undefined on this case' is skipped; a bug in a variant surfaces instead of never firing."""
    assert C._known_mistake(1.0, 2.0, [("shapes", lambda: np.ones(2) @ np.ones(3)), ("half", lambda: 1.0)]) == "half"
    with pytest.raises(NameError):
        C._known_mistake(1.0, 2.0, [("typo", lambda: not_defined_anywhere)])  # noqa: F821
