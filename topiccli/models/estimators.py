"""``NMF`` and ``TruncatedSVD``: scikit-learn estimators over a matrix X, fitted as the CLI fits.

Each ``fit`` builds the run's :class:`~topiccli.specs.ModelSpec` from the estimator's
parameters and hands it, with X, to ``topiccli.models.fitting.fit_model``, the very function
``topics nmf``/``topics svd`` call after vectorizing. So the defaults are the CLI's and are
resolved where the CLI resolves them, once, by ``topiccli.models.fitting.resolve_model``: the
loss (the default vectorizer's ``DEFAULT_LOSS``: KL), the solver and start
(``check_nmf_options``), ``alpha_H`` ("same" as ``alpha_W``); ``tol`` stays None unless given,
so the stopping rule is ``ModelSpec.nmf_stop``'s (settled topics, ``NMF_SETTLE`` of that loss).
``NMF(k).fit(X)`` therefore reaches the CLI's objective on the same matrix bit for bit,
components in the CLI's order (by decreasing share). The plain function ``topiccli.nmf(X, k)``
keeps the core's own defaults (Frobenius, ``tol=1e-4``).

Document weights (``transform``, and ``fit_transform``, which equals ``fit(X).transform(X)``)
are ``quality.doc_weights.document_weights``: the ones ``--doc-topics``, bundles and ``topics
infer`` give (NMF: the weights the fit's loss gives each row against the fixed topics; SVD:
the projection X·Vᵀ).
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, check_non_negative

from ..specs import ModelSpec, VectorizerSettings
from .fitting import resolve_model

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def _validate_data(estimator, X, reset=True, **kwargs):
        return estimator._validate_data(X, reset=reset, **kwargs)


def sklearn_constraints(names: dict[str, str]) -> dict:
    """scikit-learn's ``_parameter_constraints`` for parameters (estimator name → name in
    topiccli.params), read off that table: a Choice is a StrOptions, an Interval an Interval,
    None stays None. A parameter the table leaves unchecked here takes anything ("no_validation";
    the run checks it before reading any text)."""
    from ..params import PARAMS, Choice

    def converted(constraint):
        if constraint is None:
            return None
        if isinstance(constraint, Choice):
            return StrOptions(set(constraint.values))
        kind = numbers.Integral if constraint.kind is int else numbers.Real
        closed = "left" if constraint.high is None else "both"
        return Interval(kind, constraint.low, constraint.high, closed=closed)

    table = {}
    for name, param in names.items():
        allowed = PARAMS[param].allowed
        table[name] = [converted(c) for c in allowed] if allowed else ["no_validation"]
    return table


_ACCEPT = {"accept_sparse": ("csr", "csc"), "dtype": [np.float64, np.float32]}


class _Factorization(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """What both estimators share: input checks, the CLI's fit path, the fitted attributes."""

    _method = ""

    def _spec(self) -> ModelSpec:
        raise NotImplementedError

    def _check_rank(self, shape) -> None:
        """n_components against X's shape, said in scikit-learn's words (before any work)."""
        m, n = shape
        limit = min(m, n) - 1  # the core's sparse solvers (NNDSVD's SVD too) need k < min
        if self.n_components > limit:
            bound = "min(n_samples, n_features) - 1"
            raise ValueError(
                f"n_components={self.n_components} must be at most {bound} = {limit} "
                f"(n_samples = {m}, n_features = {n})"
            )

    def fit(self, X, y=None):
        """Factorize X (documents × terms) as ``topics {nmf,svd}`` would; returns self."""
        self._fit(X)
        return self

    def fit_transform(self, X, y=None, **params):
        """Fit, then X's document weights (the same as ``fit(X).transform(X)``)."""
        return self._fit(X)

    def _fit(self, X):
        from ..text.vectorize import DocumentTerm
        from .fitting import fit_model

        self._validate_params()
        X = self._check_X(X, reset=True)
        self._check_rank(X.shape)
        spec = self._spec()
        terms = np.array([str(j) for j in range(X.shape[1])], dtype=object)
        dt = DocumentTerm(X=X, terms=terms, idf=None, settings=VectorizerSettings())
        fitted = fit_model(dt, spec)
        self._set_fitted(spec, fitted, X)
        return fitted.weights

    def _check_X(self, X, reset: bool):
        X = _validate_data(self, X, reset=reset, **_ACCEPT)
        if self._method == "nmf":
            check_non_negative(X, f"{type(self).__name__} (input X)")
        return X

    def transform(self, X):
        """Each row's topic weights against the fitted components (see the module)."""
        from ..quality.doc_weights import document_weights

        check_is_fitted(self, "components_")
        X = self._check_X(X, reset=False)
        return document_weights(self._method, self.components_, X, **self._weighing())

    def _weighing(self) -> dict:
        return {}

    def inverse_transform(self, X):
        """The rows of X (documents × n_components) mapped back to term space: X · components_."""
        check_is_fitted(self, "components_")
        from sklearn.utils import check_array

        X = check_array(X, dtype=[np.float64, np.float32])
        if X.shape[1] != self.n_components_:
            raise ValueError(
                f"X has {X.shape[-1]} columns, but {type(self).__name__} has "
                f"{self.n_components_} components"
            )
        return X @ self.components_

    @property
    def _n_features_out(self) -> int:
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self._method == "nmf"
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"requires_positive_X": self._method == "nmf", "preserves_dtype": [np.float64]}


class NMF(_Factorization):
    """Nonnegative matrix factorization X ≈ W·H with ``topics nmf``'s defaults.

    Parameters are the CLI's (``--k``, ``--loss``, ``--solver``, ``--init``, ``--max-iter``,
    ``--tol``, ``--seed``, ``--alpha-w``, ``--alpha-h``, ``--l1-ratio``) with the CLI's
    defaults, read from ``topiccli.specs.ModelSpec``; ``None`` means "as the CLI resolves it":
    ``loss`` the default vectorizer's (KL), ``tol`` the settled-topics rule (``NMF_SETTLE``),
    ``solver`` the loss's first (KL: ccd; Frobenius: hals), ``init`` the solver's, ``alpha_H``
    the same as ``alpha_W``.

    Fitted attributes: ``components_`` (H, n_components × n_features, topics ordered by
    decreasing share as the CLI shows them), ``n_components_``, ``n_features_in_``,
    ``reconstruction_err_`` (√(2·divergence), scikit-learn's meaning), ``divergence_`` (the
    loss without penalties, the CLI's ``details.divergence``), ``n_iter_``, ``converged_``,
    ``loss_``, ``solver_``, ``init_``, ``stop_`` (the stopping rule, ``ModelSpec.nmf_stop``) and
    ``tol_`` (its tolerance) as resolved.
    """

    _method = "nmf"
    _parameter_constraints: dict = sklearn_constraints({
        "n_components": "k", "loss": "loss", "solver": "solver", "init": "init",
        "max_iter": "max_iter", "tol": "tol", "seed": "seed", "alpha_W": "alpha_w",
        "alpha_H": "alpha_h", "l1_ratio": "l1_ratio",
    })  # fmt: skip

    def __init__(
        self,
        n_components: int = ModelSpec.k,
        *,
        loss: str | None = ModelSpec.loss,
        solver: str | None = ModelSpec.solver,
        init: str | None = ModelSpec.init,
        max_iter: int = ModelSpec.max_iter,
        tol: float | None = ModelSpec.tol,
        seed: int = ModelSpec.seed,
        alpha_W: float = ModelSpec.alpha_w,
        alpha_H: float | None = ModelSpec.alpha_h,
        l1_ratio: float = ModelSpec.l1_ratio,
    ) -> None:
        self.n_components = n_components
        self.loss = loss
        self.solver = solver
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.seed = seed
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio

    def _spec(self) -> ModelSpec:
        spec = ModelSpec(method="nmf", k=int(self.n_components), seed=int(self.seed),
                         max_iter=int(self.max_iter), tol=self.tol, solver=self.solver,
                         loss=self.loss, init=self.init, alpha_w=self.alpha_W,
                         alpha_h=self.alpha_H, l1_ratio=self.l1_ratio)  # fmt: skip
        return resolve_model(spec, VectorizerSettings.kind)  # a ValueError, before any work

    def _set_fitted(self, spec: ModelSpec, fitted, X) -> None:
        result = fitted.result
        self.components_ = result.H
        self.n_components_ = result.H.shape[0]
        self.reconstruction_err_ = result.reconstruction_error
        self.divergence_ = result.divergence
        self.n_iter_ = result.n_iter
        self.converged_ = result.converged
        self.loss_, self.solver_, self.init_ = result.loss, result.solver, result.init
        self.stop_ = spec.nmf_stop(result.loss)  # the stopping rule as plain data
        self.tol_ = self.stop_["tol"]
        self.regularization_ = spec.regularization

    def _weighing(self) -> dict:
        return {"loss": self.loss_, "regularization": self.regularization_}


class TruncatedSVD(_Factorization):
    """Truncated SVD (LSA) with ``topics svd``'s defaults: X ≈ U·diag(s)·Vt.

    Parameters: ``n_components`` (``--k``), ``solver`` (``--solver``; None: the CLI's, propack)
    and ``seed``, defaults from ``topiccli.specs.ModelSpec``. Components come largest first,
    each oriented so its largest-magnitude term loading is positive (topiccli.factorize).

    Fitted attributes: ``components_`` (Vt), ``singular_values_``, ``explained_variance_``,
    ``explained_variance_ratio_`` (scikit-learn's meanings), ``n_components_``,
    ``n_features_in_``, ``solver_``. ``transform`` is the projection X·Vᵀ.
    """

    _method = "svd"
    _parameter_constraints: dict = sklearn_constraints(
        {"n_components": "k", "solver": "svd_solver", "seed": "seed"}
    )

    def __init__(
        self,
        n_components: int = ModelSpec.k,
        *,
        solver: str | None = ModelSpec.solver,
        seed: int = ModelSpec.seed,
    ) -> None:
        self.n_components = n_components
        self.solver = solver
        self.seed = seed

    def _spec(self) -> ModelSpec:
        return resolve_model(ModelSpec(method="svd", k=int(self.n_components),
                                       seed=int(self.seed), solver=self.solver),
                             VectorizerSettings.kind)  # fmt: skip

    def _set_fitted(self, spec: ModelSpec, fitted, X) -> None:
        result = fitted.result
        self.components_ = result.Vt
        self.singular_values_ = result.s
        self.n_components_ = result.Vt.shape[0]
        self.solver_ = result.solver
        self.explained_variance_ = np.var(fitted.weights, axis=0)
        total = max(_total_variance(X), np.finfo(float).tiny)
        self.explained_variance_ratio_ = self.explained_variance_ / total


def _total_variance(X) -> float:
    """The sum of X's column variances (dense or sparse, never densified)."""
    import scipy.sparse as sp

    if sp.issparse(X):
        mean = np.asarray(X.mean(axis=0)).ravel()
        mean_sq = np.asarray(X.multiply(X).mean(axis=0)).ravel()
        return float(np.sum(mean_sq - mean**2))
    return float(np.var(X, axis=0).sum())
