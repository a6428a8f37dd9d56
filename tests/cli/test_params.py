"""Parameters declared once (topiccli.params), resolved once (models.fitting.resolve_model), and
the command line's options, flags and specs read off those declarations (topiccli.cli)."""

from __future__ import annotations

import pytest

from topiccli.errors import UsageError
from topiccli.params import PARAMS, check
from topiccli.specs import NMF_TOL, ModelSpec, SourceSpec, VectorizerSettings


@pytest.mark.parametrize(
    ("values", "named"),
    [({"k": 0}, "k"), ({"k": 2.5}, "k"), ({"loss": "beta"}, "loss"),
     ({"l1_ratio": 1.5}, "l1_ratio"), ({"seed": True}, "seed"), ({"plurals": "some"}, "plurals")],
)  # fmt: skip
def test_a_value_outside_its_declaration_is_a_usage_error_naming_it(values, named):
    with pytest.raises(UsageError) as info:
        check(values)
    assert info.value.params == (named,) and info.value.exit_code == 2


def test_allowed_values_pass_and_none_only_where_declared():
    check({"k": 3, "loss": None, "tol": 0.0, "l1_ratio": 1.0, "max_features": None})
    with pytest.raises(UsageError):
        check({"k": None})


def test_nmf_is_resolved_once_to_what_each_none_means():
    from topiccli.models.fitting import resolve_model

    model = resolve_model(ModelSpec(method="nmf", alpha_w=0.1), "tfidf")
    assert (model.loss, model.solver, model.init) == ("kl", "ccd", "nndsvda")
    assert model.tol is None and model.alpha_h == 0.1  # tol None: the settle rule decides
    assert model.nmf_stop(model.loss)["rule"] == "settle"
    assert model.nmf_tol(model.loss) == NMF_TOL["kl"]
    frobenius = resolve_model(ModelSpec(method="nmf", loss="frobenius", tol=1e-3), "count")
    assert (frobenius.solver, frobenius.init, frobenius.tol) == ("hals", "nndsvd", 1e-3)
    assert resolve_model(ModelSpec(method="svd"), "tfidf").solver == "propack"
    with pytest.raises(UsageError) as info:
        resolve_model(ModelSpec(method="nmf", loss="kl", solver="hals"), "tfidf")
    assert info.value.params == ("solver",)


def test_every_library_parameter_with_an_option_is_said_as_its_flag():
    from topiccli.cli.errors import flags, in_flags
    from topiccli.cli.options import OPTIONS

    table = flags()
    for option in OPTIONS.values():
        if not option.argument and (option.param or option.name) in PARAMS:
            assert table[option.param or option.name].startswith("--")
    assert table["alpha_W"] == "--alpha-w" and table["contractions"] == "--keep-contractions"
    assert in_flags("max_iter and tol", ("max_iter", "tol")) == "--max-iter and --tol"


def test_the_commands_choices_are_the_declared_ones():
    import typer

    from topiccli.cli import app

    command = typer.main.get_command(app).commands["nmf"]
    choices = {p.name: p.type_descriptor.choices for p in command.params
               if p.type_descriptor is not None and p.type_descriptor.is_choice}  # fmt: skip
    for name in ("loss", "solver", "init", "subset", "vectorizer", "plurals"):
        assert set(choices[name]) == set(PARAMS[name].choices), name


def test_given_options_fill_the_specs_by_field():
    from topiccli.cli.command import Given
    from topiccli.cli.options import OPTIONS

    names = ("input", "no_labels", "keep_junk", "vectorizer", "min_df", "k", "categories")
    given = Given({"input": None, "no_labels": True, "keep_junk": True, "vectorizer": "count",
                   "min_df": 3, "k": 9, "categories": ["a,b", "c"]},
                  [OPTIONS[name] for name in names])  # fmt: skip
    assert given.spec(SourceSpec) == SourceSpec(labels=False, categories=("a", "b", "c"))
    settings = given.spec(VectorizerSettings, stop_words="none")
    assert (settings.kind, settings.junk, settings.min_df, settings.stop_words) == (
        "count", "keep", 3, "none")  # fmt: skip
    assert given.spec(ModelSpec, method="nmf").k == 9
