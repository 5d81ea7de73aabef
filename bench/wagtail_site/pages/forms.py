from django import forms


class CommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=5000)
    name = forms.CharField(max_length=100)
    email = forms.EmailField(help_text="Your email address will not be published.")
    website = forms.URLField(required=False, assume_scheme="https")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
