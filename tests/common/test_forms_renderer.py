"""The form renderer writes a select's options in the select's own template: the same markup as
Django's templates (one included template per option), selected and disabled options included."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from common.forms import FormRenderer


class Choices(forms.Form):
    one = forms.ChoiceField(choices=[("", "---"), ("1", "Sở Tài chính"), ("2", 'UBND "xã" <Mường Khến> & co')])
    grouped = forms.ChoiceField(choices=[("Tỉnh", [("a", "A"), ("b", "B")]), ("Xã", [("c", "C")])])
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    maybe = forms.NullBooleanField()


def _html(renderer) -> str:
    form = Choices(data={"one": "2", "grouped": "b", "many": ["x", "z"], "maybe": "true"}, renderer=renderer)
    form.fields["one"].widget.attrs["class"] = "form-select unit-picker"
    html = "".join(str(form[name]) for name in form.fields)
    return re.sub(r">\s+<", "><", html)


def test_selects_render_the_same_markup_as_djangos_templates():
    ours, django = _html(FormRenderer()), _html(DjangoTemplates())
    assert ours == django
    assert '<option value="2" selected>UBND &quot;xã&quot; &lt;Mường Khến&gt; &amp; co</option>' in ours
    assert '<optgroup label="Tỉnh">' in ours and "multiple" in ours


def test_the_project_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "common.forms.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
    template = get_default_renderer().get_template("django/forms/widgets/select.html")
    assert template.template.origin.name.endswith("templates/widgets/select.html")
