"""The hardening field in the configurator: built from the spec model, shown, and its opt-out warned about."""

from __future__ import annotations

from collections.abc import Callable

from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import Hardening
from flytekit_deploy.widgets import Configurator


def test_the_form_shows_hardening_and_opting_out_is_warned(make_configurator: Callable[..., Configurator]) -> None:
    configurator = make_configurator(spec=get_preset("eks-core"))
    assert configurator.field_visible("hardening")
    assert configurator.spec.hardening_level is Hardening.RESTRICTED
    assert "hardening.off-in-production" not in {f.rule for f in configurator.findings}
    configurator.set_field("hardening", "off")
    assert configurator.errors == [] and configurator.spec.hardening is Hardening.OFF
    assert "hardening.off-in-production" in {f.rule for f in configurator.findings}


def test_hardening_sits_right_after_profile_in_the_first_section() -> None:
    """The field that follows from the profile is shown beside it, not in the catch-all section at the end."""
    from flytekit_deploy.widgets.form import Form

    form = Form(lambda: None)
    assert "Other" not in form.section_titles
    first = list(form._section_fields[0])  # the top-level fields of the first section, in the order shown
    assert form.section_titles[0] == "Model and environment"
    assert first.index("hardening") == first.index("profile") + 1
