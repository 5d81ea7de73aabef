"""WordPress's wpautop(), ported: paragraphs for classic-editor bodies.

WordPress stores classic bodies without <p> tags and adds them when it shows
a post: blank lines separate paragraphs, single newlines become <br />.
Block-editor bodies already hold their paragraphs and never go through this.
The regular expressions follow wp-includes/formatting.php.
"""

import re

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def wpautop(text, br=True):
    if not text or not text.strip():
        return ""
    preserved = {}

    def keep_pre(match):
        key = f"<pre wp-pre-tag-{len(preserved)}></pre>"
        preserved[key] = match.group(0)
        return key

    text = _PRE.sub(keep_pre, text) + "\n"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Newlines inside a tag (attributes on several lines) are not line breaks.
    text = _TAG.sub(lambda m: m.group(0).replace("\n", " "), text)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<{_ALLBLOCKS}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{_ALLBLOCKS}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = re.split(r"\n\s*\n", text)
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs if p.strip())
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{_ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    if br:
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = re.sub(rf"(</?{_ALLBLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=re.I)
        text = re.sub(
            r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I
        )
    text = re.sub(r"\n</p>$", "</p>", text)
    for key, value in preserved.items():
        text = text.replace(key, value)
    return text
