from django import forms
from django.utils.translation import gettext_lazy as _


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=64,
        strip=True,
        error_messages={"required": _("Vui lòng nhập mã tra cứu in trên phiếu tiếp nhận kiến nghị.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCD-EFGH-JKM",
                "class": "form-control form-control-lg font-monospace",
            }
        ),
    )
