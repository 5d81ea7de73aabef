#!/usr/bin/env python3
"""Write a large WordPress export (and its uploads folder) for bench/wordpress_import.py.

    .venv/bin/python bench/wordpress_export.py /tmp/wp --posts 10000 --comments 100000 --images 2000

The export is written as WordPress's export.php writes it (CDATA, namespaces,
threaded comments, classic and block bodies, attachments with PHP-serialized
metadata); the photos are small JPEGs drawn by Pillow. Nothing here needs Django.
"""

import argparse
import random
import sys
from io import BytesIO
from pathlib import Path

from PIL import Image as PILImage

SITE = "https://old.example.org"
WORDS = (
    "housing workers peace climate rent union wages strike tenants council solidarity "
    "justice water school transit health freedom organize demand coalition neighbours "
    "eviction heat shelter harbour farm river city budget public care"
).split()


def cdata(text):
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def php_string(value):
    return f's:{len(value.encode())}:"{value}";'


def sentence(rng, n=14):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def jpeg(rng, width=320, height=240):
    picture = PILImage.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    out = BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


def attachment_xml(wp_id, filename):
    metadata = (
        "a:4:{" + php_string("width") + "i:320;" + php_string("height") + "i:240;"
        + php_string("file") + php_string(filename)
        + php_string("image_meta") + "a:1:{" + php_string("credit") + php_string(f"Photographer {wp_id}") + "}}"
    )  # fmt: skip
    return f"""
  <item>
    <title>{cdata(f"photo {wp_id}")}</title>
    <link>{SITE}/?attachment_id={wp_id}</link>
    <dc:creator>{cdata("admin")}</dc:creator>
    <guid isPermaLink="false">{SITE}/wp-content/uploads/{filename}</guid>
    <content:encoded>{cdata("")}</content:encoded>
    <excerpt:encoded>{cdata(f"Caption of photo {wp_id}")}</excerpt:encoded>
    <wp:post_id>{wp_id}</wp:post_id>
    <wp:post_date>{cdata("2022-03-01 10:00:00")}</wp:post_date>
    <wp:post_date_gmt>{cdata("2022-03-01 09:00:00")}</wp:post_date_gmt>
    <wp:post_name>{cdata(f"photo-{wp_id}")}</wp:post_name>
    <wp:status>{cdata("inherit")}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:post_type>{cdata("attachment")}</wp:post_type>
    <wp:attachment_url>{cdata(f"{SITE}/wp-content/uploads/{filename}")}</wp:attachment_url>
    <wp:postmeta><wp:meta_key>{cdata("_wp_attached_file")}</wp:meta_key><wp:meta_value>{cdata(filename)}</wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key>{cdata("_wp_attachment_image_alt")}</wp:meta_key><wp:meta_value>{cdata(f"Alt text of photo {wp_id}")}</wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key>{cdata("_wp_attachment_metadata")}</wp:meta_key><wp:meta_value>{cdata(metadata)}</wp:meta_value></wp:postmeta>
  </item>"""


def comment_xml(rng, comment_id, parent):
    return f"""
    <wp:comment>
      <wp:comment_id>{comment_id}</wp:comment_id>
      <wp:comment_author>{cdata(f"Reader {comment_id % 997}")}</wp:comment_author>
      <wp:comment_author_email>{cdata(f"reader{comment_id % 997}@example.net")}</wp:comment_author_email>
      <wp:comment_author_url></wp:comment_author_url>
      <wp:comment_author_IP>{cdata("203.0.113.7")}</wp:comment_author_IP>
      <wp:comment_date>{cdata("2022-03-02 10:00:00")}</wp:comment_date>
      <wp:comment_date_gmt>{cdata("2022-03-02 09:00:00")}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(sentence(rng, 20))}</wp:comment_content>
      <wp:comment_approved>{cdata(rng.choice("1111110"))}</wp:comment_approved>
      <wp:comment_type>{cdata("comment")}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


def post_xml(rng, wp_id, n, comments, image_ids, comment_ids):
    slug = f"statement-{n}"
    paragraphs = [sentence(rng, 40) for _ in range(5)]
    if n % 2:
        body = "\n\n".join(paragraphs)  # classic
        if image_ids:
            image = rng.choice(image_ids)
            body += f'\n\n[caption id="attachment_{image}" width="300"]<img class="wp-image-{image}" src="{SITE}/wp-content/uploads/bench/{image}-300x225.jpg" /> A caption[/caption]'
    else:
        body = "".join(
            f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->\n" for p in paragraphs
        )
        if image_ids:
            image = rng.choice(image_ids)
            body += f'<!-- wp:image {{"id":{image}}} --><figure class="wp-block-image"><img src="{SITE}/wp-content/uploads/bench/{image}.jpg" class="wp-image-{image}"/><figcaption>Photo</figcaption></figure><!-- /wp:image -->'
    thread = []
    ids = []
    for _ in range(comments):
        comment_id = next(comment_ids)
        parent = rng.choice(ids) if ids and rng.random() < 0.3 else 0
        ids.append(comment_id)
        thread.append(comment_xml(rng, comment_id, parent))
    rng.shuffle(thread)  # replies before their parents too
    topic = rng.choice(WORDS)
    return f"""
  <item>
    <title>{cdata(f"Statement number {n}")}</title>
    <link>{SITE}/2022/03/{slug}/</link>
    <pubDate>Tue, 01 Mar 2022 09:00:00 +0000</pubDate>
    <dc:creator>{cdata("admin")}</dc:creator>
    <guid isPermaLink="false">{SITE}/?p={wp_id}</guid>
    <content:encoded>{cdata(body)}</content:encoded>
    <excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>
    <wp:post_id>{wp_id}</wp:post_id>
    <wp:post_date>{cdata("2022-03-01 10:00:00")}</wp:post_date>
    <wp:post_date_gmt>{cdata("2022-03-01 09:00:00")}</wp:post_date_gmt>
    <wp:comment_status>{cdata("open")}</wp:comment_status>
    <wp:post_name>{cdata(slug)}</wp:post_name>
    <wp:status>{cdata("publish")}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:post_type>{cdata("post")}</wp:post_type>
    <wp:post_password>{cdata("")}</wp:post_password>
    <wp:is_sticky>0</wp:is_sticky>
    <category domain="category" nicename="{topic}">{cdata(topic.capitalize())}</category>
    {"".join(thread)}
  </item>"""


def generate(folder, *, posts, comments, images, seed=7, say=print):
    rng = random.Random(seed)
    folder = Path(folder)
    uploads = folder / "uploads" / "bench"
    uploads.mkdir(parents=True, exist_ok=True)
    image_ids = list(range(1_000_001, 1_000_001 + images))
    for wp_id in image_ids:
        target = uploads / f"{wp_id}.jpg"
        if not target.exists():
            target.write_bytes(jpeg(rng))
    per_post, extra = divmod(comments, posts) if posts else (0, 0)
    comment_ids = iter(range(1, comments + 1))
    path = folder / "export.xml"
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Benchmark Coalition</title>
  <link>{SITE}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>{cdata("admin")}</wp:author_login></wp:author>
""")
        for wp_id in image_ids:
            out.write(attachment_xml(wp_id, f"bench/{wp_id}.jpg"))
        for n in range(posts):
            count = per_post + (1 if n < extra else 0)
            out.write(post_xml(rng, 2_000_001 + n, n, count, image_ids, comment_ids))
        out.write("\n</channel>\n</rss>\n")
    say(f"wrote {path} ({path.stat().st_size / 1_048_576:.1f} MB) and {images} photos")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=2_000)
    args = parser.parse_args(argv)
    generate(args.folder, posts=args.posts, comments=args.comments, images=args.images)


if __name__ == "__main__":
    sys.exit(main())
