"""The README leads with what a user does, and every link in the docs resolves."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _headings(path):
    """Markdown headings of a file, outside fenced code blocks."""
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return [line.lstrip("#").strip() for line in text.splitlines() if re.match(r"#{1,6} ", line)]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_readme_sections_lead_with_what_a_user_does():
    top = [h for h in _headings(README)
           if h in {"Two commands on a fresh machine", "Quick start", "Your own data",
                    "From training to serving", "Use the callbacks in your own model.fit",
                    "Scaling a recipe", "Tuning a recipe", "Interrupted runs and failures",
                    "Performance"}]
    assert top == ["Two commands on a fresh machine", "Quick start", "Your own data",
                   "From training to serving", "Use the callbacks in your own model.fit",
                   "Scaling a recipe", "Tuning a recipe", "Interrupted runs and failures",
                   "Performance"]


def test_readme_first_two_commands_are_what_ci_runs():
    """`.ci/run` mirrors the README's first two commands; they must not drift apart."""
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    ci_commands = [ci[i + 1].strip() for i, line in enumerate(ci) if line.startswith("# README")]
    blocks = re.findall(r"```bash\n(.*?)\n```", README.read_text(), flags=re.S)
    assert blocks[:2] == [ci_commands[0].replace(" --output .ci-runs", ""), ci_commands[1]]


def test_readme_is_short_and_benchmarks_live_in_docs():
    text = README.read_text()
    assert len(text.splitlines()) < 800  # was 1,216 with the benchmarks and the reference
    assert "### Monitoring overhead" not in text and "<!-- recipe-reference:begin" not in text
    assert "## Monitoring overhead" in (ROOT / "docs" / "PERFORMANCE.md").read_text()
    assert "<!-- recipe-reference:begin" in (ROOT / "docs" / "REFERENCE.md").read_text()


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    broken = []
    for target in LINK.findall(page.read_text()):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in {_slug(h) for h in _headings(file)}:
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"
