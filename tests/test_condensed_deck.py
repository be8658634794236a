"""tools/condensed_deck.py: the one-lecture decks (75 and 50 minutes) exist, fit their slots, and can be projected.

Every listed slide is found in its notebook's deck; the 50-minute version is the 75 without its
"75 only" slides; the slides' minutes add up to at most 70 and 45 (five minutes left for
questions); the instructor guide shows the current table; and in a real Chromium (skipped without
it, unless CI is set) both decks are stepped through with the right-arrow key, every slide
reached and nothing running off a slide, with the checks of tests/test_slides.py.
"""

import shutil

import nbformat
import pytest
from test_slides import ROOT, _load, _unavailable, build_slides, deck_page, slide_problems, walk_deck

condensed_deck = _load("condensed_deck")
SLOT = {75: 70, 50: 45}  # minutes of slides, leaving 5 for questions


@pytest.fixture(scope="module")
def decks():
    return condensed_deck.all_decks()


def _counts() -> str:
    return ", ".join(
        f"{v} minutes: {len(condensed_deck.entries(v))} slides, {sum(s.minutes for s in condensed_deck.entries(v))} min"
        for v in condensed_deck.VERSIONS
    )


def test_every_listed_slide_is_in_its_deck(decks):
    missing = []
    for entry in condensed_deck.SLIDES:
        try:
            condensed_deck.pick(decks[entry.deck], entry)
        except build_slides.SlidesError as exc:
            missing.append(str(exc))
    assert not missing, f"{len(missing)} listed slides not found ({_counts()}):\n" + "\n".join(missing)


def test_no_slide_is_shown_twice(decks):
    picked = [id(condensed_deck.pick(decks[s.deck], s)[0]) for s in condensed_deck.SLIDES]
    twice = [s.title for s, p in zip(condensed_deck.SLIDES, picked) if picked.count(p) > 1]
    assert not twice, f"listed twice: {twice}"


def test_the_50_minute_deck_is_the_75_without_its_extras():
    long, short = condensed_deck.entries(75), condensed_deck.entries(50)
    assert long == condensed_deck.SLIDES
    assert short == [s for s in long if not s.only_75], _counts()


@pytest.mark.parametrize("version", condensed_deck.VERSIONS)
def test_each_version_fits_its_slot(version):
    chosen = condensed_deck.entries(version)
    minutes = sum(s.minutes for s in chosen)
    assert minutes <= SLOT[version], f"{version}: {len(chosen)} slides take {minutes} minutes ({_counts()})"
    assert all(s.minutes > 0 for s in chosen)


def test_the_guide_shows_the_current_table():
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    start = "<!-- condensed-deck-table: python tools/condensed_deck.py --table -->\n"
    assert start in guide, "the guide's table of the one-lecture deck lost its marker"
    shown = guide.split(start)[1].split("\n<!-- /condensed-deck-table -->")[0]
    assert shown == condensed_deck.table(), (
        f"the guide's table is stale ({_counts()}): paste `python tools/condensed_deck.py --table`"
    )


@pytest.mark.slow
def test_both_decks_can_be_projected(tmp_path):
    if not build_slides.cached() and shutil.which("npm") is None:
        _unavailable(f"npm is needed once to fetch the slide assets into {build_slides.DEFAULT_CACHE}")
    browser_check = _load("browser_check")
    missing = [m for m in browser_check.missing_requirements() if "Chromium" in m or "playwright" in m]
    if missing:
        _unavailable("the deck walk needs " + "; ".join(missing))
    from playwright.sync_api import sync_playwright

    built = condensed_deck.build(tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(deck.name in index for deck in built), "the condensed decks are not in index.html"
    problems, remote, errors, report = [], [], [], []
    with sync_playwright() as playwright:
        browser = browser_check.launch_browser(playwright)
        page = deck_page(browser, remote, errors)
        for version, deck in zip(condensed_deck.VERSIONS, built):
            expected = len(condensed_deck.entries(version)) + 1  # and the title slide
            total, slides = walk_deck(page, deck)
            report.append(f"{deck.name}: {len(slides)} of {total} slides reached ({expected} listed with the title)")
            if not len(slides) == total == expected:
                problems.append(report[-1])
            problems.extend(f"{deck.name}: {p}" for s in slides for p in slide_problems(s))
        browser.close()
    print("\n".join(report))
    assert not remote, f"the decks asked the network for {sorted(set(remote))[:5]}"
    assert not errors, f"JavaScript errors: {errors[:5]}"
    assert not problems, f"{len(problems)} problems ({'; '.join(report)}):\n" + "\n".join(problems[:60])


def test_a_missing_slide_is_named(decks):
    wrong = condensed_deck.Slide("03", "No such heading", 1, "nothing")
    with pytest.raises(build_slides.SlidesError, match="03 'No such heading'"):
        condensed_deck.pick(decks["03"], wrong)
    laid_out = condensed_deck.condensed(50, decks)
    assert nbformat.validate(laid_out) is None


def _condensed_slides(decks, version):
    """(title, [cells]) of each slide of a version, the title slide first."""
    slides = []
    for cell in condensed_deck.condensed(version, decks).cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") == "slide":
            slides.append((condensed_deck._title([cell]), [cell]))
        else:
            slides[-1][1].append(cell)
    return slides


@pytest.mark.parametrize("version", condensed_deck.VERSIONS)
def test_cont_only_after_the_slide_it_continues(decks, version):
    """A slide titled "X (cont.)" follows a slide of X; one picked without it is titled X."""
    slides = _condensed_slides(decks, version)
    wrong = [
        f"{k}: {title!r} after {slides[k - 1][0]!r}"
        for k, (title, _cells) in enumerate(slides)
        if title.endswith(" (cont.)") and slides[k - 1][0].removesuffix(" (cont.)") != title.removesuffix(" (cont.)")
    ]
    assert not wrong, wrong
    titles = [t for t, _ in slides]
    assert "3 · The real comparison (cont.)" in titles  # (after its lead-in, which is picked)
    assert titles[-1] == "The table, completed"  # (the continuation that shows it, its title made whole)


@pytest.mark.parametrize("version", condensed_deck.VERSIONS)
def test_title_has_the_plan_and_the_lecture_ends_on_the_table(decks, version):
    slides = _condensed_slides(decks, version)
    notes = [c.source for c in slides[0][1] if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    chosen = condensed_deck.entries(version)
    assert notes and f"{sum(s.minutes for s in chosen)} minutes" in notes[0]
    assert all(f"- {deck} " in notes[0] for deck in {s.deck for s in chosen})
    assert "best to worst" in condensed_deck._shown(slides[-1][1])
