"""A brief's JSON-LD (plugins/briefs/structured_data.py), without a build."""

from __future__ import annotations

import json
from datetime import UTC, timedelta, timezone

from markupsafe import Markup
from pelican.utils import SafeDatetime

from briefs.model import AuthorView, BriefView
from briefs.schema import Brief
from briefs.series import SeriesNav, SeriesView
from briefs.structured_data import news_article, script_text

PUBLISHED = SafeDatetime(2019, 3, 20, 9, 30, tzinfo=timezone(timedelta(hours=9)))
UPDATED = SafeDatetime(2019, 3, 22, tzinfo=UTC)
AUTHORS = [("Yuki Tatsumi", "yuki-tatsumi"), ("Søren Kjærgaard", "soren-kjaergaard")]


def person(name: str, slug: str) -> AuthorView:
    return AuthorView(name, slug, f"authors/{slug}.html", f"authors/{slug}.html", None)


def view(**fields) -> BriefView:
    brief = Brief(
        source="content/briefs/talks.md",
        slug="talks",
        title=fields.pop("title", "Talks"),
        authors=("Yuki Tatsumi",),
        regions=("Northeast Asia",),
        date=PUBLISHED,
        body="",
        **fields,
    )
    return BriefView(
        brief=brief,
        slug=brief.slug,
        url="briefs/talks.html",
        save_as="briefs/talks.html",
        title=Markup.escape(brief.title),
        summary=None,
        date=PUBLISHED,
        locale_date="Wed 20 March 2019",
        modified=UPDATED if brief.updated else None,
        locale_modified=None,
        authors=tuple(person(name, slug) for name, slug in AUTHORS),
        regions=(),
        tags=(),
    )


def test_a_hostile_title_cannot_close_the_script_element():
    title = "</script><script>alert('x')</script> \"Q\" & A"
    text = script_text(news_article(view(title=title), "Site", "en", None))
    assert not {"<", ">", "&", "'"} & set(text)
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text)["headline"] == title


def test_every_author_in_order_with_addresses_in_production():
    record = news_article(
        view(
            summary="A dek.",
            updated=UPDATED,
            tags=("Japan", "North Korea"),
            series="Talks",
            image="images/map.png",
        ),
        "Policy Briefs",
        "en",
        "https://org.github.io/repo",
    )
    assert record == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Talks",
        "description": "A dek.",
        "datePublished": "2019-03-20T09:30:00+09:00",
        "dateModified": "2019-03-22T00:00:00+00:00",
        "author": [
            {
                "@type": "Person",
                "name": "Yuki Tatsumi",
                "url": "https://org.github.io/repo/authors/yuki-tatsumi.html",
            },
            {
                "@type": "Person",
                "name": "Søren Kjærgaard",
                "url": "https://org.github.io/repo/authors/soren-kjaergaard.html",
            },
        ],
        "publisher": {"@type": "Organization", "name": "Policy Briefs"},
        "about": [{"@type": "Thing", "name": "Northeast Asia"}],
        "articleSection": ["Northeast Asia"],
        "keywords": ["Japan", "North Korea"],
        "inLanguage": "en",
        "isAccessibleForFree": True,
        "isPartOf": {"@type": "CreativeWorkSeries", "name": "Talks"},
        "url": "https://org.github.io/repo/briefs/talks.html",
        "mainEntityOfPage": "https://org.github.io/repo/briefs/talks.html",
        "image": ["https://org.github.io/repo/images/map.png"],
    }


def test_without_a_public_address_no_addresses_at_all():
    record = news_article(view(image="images/map.png"), "Policy Briefs", "ja", None)
    assert record["author"] == [
        {"@type": "Person", "name": "Yuki Tatsumi"},
        {"@type": "Person", "name": "Søren Kjærgaard"},
    ]
    assert not {"url", "mainEntityOfPage", "image", "description", "isPartOf"} & set(
        record
    )
    assert record["dateModified"] == record["datePublished"]
    assert record["inLanguage"] == "ja"


def test_a_series_part_gives_its_series_page_and_its_position():
    series = SeriesNav(
        SeriesView("Talks", "talks", "series/talks.html", "series/talks.html"),
        part=2,
        total=3,
    )
    public = "https://org.github.io/repo"
    record = news_article(view(series="Talks"), "Site", "en", public, series)
    assert record["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "Talks",
        "url": "https://org.github.io/repo/series/talks.html",
    }
    assert record["position"] == 2
    offline = news_article(view(series="Talks"), "Site", "en", None, series)
    assert offline["isPartOf"] == {"@type": "CreativeWorkSeries", "name": "Talks"}
    assert offline["position"] == 2
    draft = SeriesNav(series.series, part=None, total=3)
    assert "position" not in news_article(
        view(series="Talks"), "Site", "en", None, draft
    )
