from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or staff number"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
