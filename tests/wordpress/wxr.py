"""Writing WordPress exports for the tests, as WordPress's export.php writes them.

Text values are wrapped in CDATA by `cdata` exactly as wxr_cdata() does (a
`]]>` inside becomes `]]]]><![CDATA[>`: two adjacent sections); numbers and
comment_author_url are not wrapped. Tests build each file from these pieces so
each says only what it is about; the fixed files for hostile input are in files/.
"""

import itertools
from pathlib import Path

FILES = Path(__file__).parent / "files"
SITE = "https://old.example.org"
_ids = itertools.count(100)


def cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def next_id():
    return next(_ids)


def meta(key, value):
    return (
        f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
    )


def comment(
    comment_id,
    *,
    content="A comment.",
    author="Sam Reader",
    email="sam@example.net",
    url="",
    ip="203.0.113.9",
    approved="1",
    parent=0,
    kind="comment",
    date="2023-05-02 10:00:00",
    date_gmt=None,
):
    date_gmt = date if date_gmt is None else date_gmt
    return f"""
    <wp:comment>
      <wp:comment_id>{comment_id}</wp:comment_id>
      <wp:comment_author>{cdata(author)}</wp:comment_author>
      <wp:comment_author_email>{cdata(email)}</wp:comment_author_email>
      <wp:comment_author_url>{url}</wp:comment_author_url>
      <wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>
      <wp:comment_date>{cdata(date)}</wp:comment_date>
      <wp:comment_date_gmt>{cdata(date_gmt)}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(content)}</wp:comment_content>
      <wp:comment_approved>{cdata(approved)}</wp:comment_approved>
      <wp:comment_type>{cdata(kind)}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


def item(
    *,
    post_id=None,
    title="A statement from WordPress",
    slug=None,
    content="",
    excerpt="",
    status="publish",
    post_type="post",
    date="2023-05-01 09:30:00",
    date_gmt=None,
    creator="admin",
    categories=(),
    tags=(),
    metas=(),
    comments=(),
    link=None,
    attachment_url=None,
    parent=0,
    menu_order=0,
    password="",
    sticky=0,
    comment_status="open",
):
    post_id = post_id or next_id()
    slug = f"statement-{post_id}" if slug is None else slug
    date_gmt = date if date_gmt is None else date_gmt
    link = link or (f"{SITE}/2023/05/{slug}/" if post_type == "post" else f"{SITE}/{slug}/")
    terms = "".join(
        f'<category domain="category" nicename="{nicename}">{cdata(name)}</category>'
        for nicename, name in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{nicename}">{cdata(name)}</category>'
        for nicename, name in tags
    )
    attachment = (
        f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>" if attachment_url else ""
    )
    return f"""
  <item>
    <title>{cdata(title)}</title>
    <link>{link}</link>
    <pubDate>Mon, 01 May 2023 09:30:00 +0000</pubDate>
    <dc:creator>{cdata(creator)}</dc:creator>
    <guid isPermaLink="false">{SITE}/?p={post_id}</guid>
    <description></description>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{cdata(date)}</wp:post_date>
    <wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>
    <wp:comment_status>{cdata(comment_status)}</wp:comment_status>
    <wp:ping_status>{cdata("open")}</wp:ping_status>
    <wp:post_name>{cdata(slug)}</wp:post_name>
    <wp:status>{cdata(status)}</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>{menu_order}</wp:menu_order>
    <wp:post_type>{cdata(post_type)}</wp:post_type>
    <wp:post_password>{cdata(password)}</wp:post_password>
    <wp:is_sticky>{sticky}</wp:is_sticky>
    {attachment}
    {terms}
    {"".join(metas)}
    {"".join(comments)}
  </item>"""


def attachment(post_id, filename, *, alt="", caption="", metadata="", credit_meta="", parent=0):
    url = f"{SITE}/wp-content/uploads/{filename}"
    metas = [meta("_wp_attached_file", filename)]
    if alt:
        metas.append(meta("_wp_attachment_image_alt", alt))
    if metadata:
        metas.append(meta("_wp_attachment_metadata", metadata))
    if credit_meta:
        metas.append(meta("_media_credit", credit_meta))
    return item(
        post_id=post_id,
        title=filename.rsplit("/", 1)[-1].rsplit(".", 1)[0],
        slug=filename.rsplit("/", 1)[-1].rsplit(".", 1)[0],
        post_type="attachment",
        status="inherit",
        excerpt=caption,
        attachment_url=url,
        link=f"{SITE}/?attachment_id={post_id}",
        metas=metas,
        parent=parent,
    )


def php_string(value):
    return f's:{len(value.encode())}:"{value}";'


def attachment_metadata(filename, *, width=64, height=48, credit="", copyright="", sizes=()):
    """_wp_attachment_metadata as PHP's serialize() writes it."""
    size_entries = "".join(
        php_string(name)
        + "a:4:{"
        + php_string("file")
        + php_string(file)
        + php_string("width")
        + "i:32;"
        + php_string("height")
        + "i:24;"
        + php_string("mime-type")
        + php_string("image/jpeg")
        + "}"
        for name, file in sizes
    )
    image_meta = (
        "a:2:{" + php_string("credit") + php_string(credit)
        + php_string("copyright") + php_string(copyright) + "}"
    )  # fmt: skip
    return (
        "a:5:{"
        + php_string("width") + f"i:{width};"
        + php_string("height") + f"i:{height};"
        + php_string("file") + php_string(filename)
        + php_string("sizes") + f"a:{len(sizes)}:{{{size_entries}}}"
        + php_string("image_meta") + image_meta
        + "}"
    )  # fmt: skip


def export(*items, version="1.2", authors=(("admin", "Site Admin"),), title="Tenants United"):
    author_xml = "".join(
        f"""
  <wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>
  <wp:author_email>{cdata(login + "@old.example.org")}</wp:author_email>
  <wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>"""
        for n, (login, name) in enumerate(authors, start=1)
    )
    version_xml = f"<wp:wxr_version>{version}</wp:wxr_version>" if version else ""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/{version or "1.2"}/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/{version or "1.2"}/">
<channel>
  <title>{title}</title>
  <link>{SITE}</link>
  <description>Housing for all</description>
  <language>en-US</language>
  {version_xml}
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  {author_xml}
  {"".join(items)}
</channel>
</rss>
"""


def write(tmp_path, *items, name="export.xml", **kwargs):
    path = tmp_path / name
    path.write_text(export(*items, **kwargs), encoding="utf-8")
    return path
