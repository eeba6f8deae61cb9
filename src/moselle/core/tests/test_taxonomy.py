"""The taxonomy seed: exact vocabularies, a sound hierarchy, three languages on top, an idempotent second run."""

from __future__ import annotations

from typing import Any

import pytest

from moselle.core import taxonomy
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import (
    CatalogueSector,
    CatalogueService,
    NaceCode,
    Skill,
    SkillGroup,
    Technology,
)
from moselle.organisations.models import EdihCategory

# The official French title of section F is the English word.
SAME_AS_ENGLISH = {("fr", "F")}


@pytest.fixture
def seeded(db: Any) -> taxonomy.SeedResult:
    return taxonomy.seed_taxonomy()


def _levels(revision: str) -> dict[int, int]:
    return {level: NaceCode.objects.filter(revision=revision, level=level).count() for level in (1, 2, 3, 4)}


def test_it_loads_the_exact_vocabularies(seeded: taxonomy.SeedResult) -> None:
    assert Technology.objects.count() == 34
    assert CatalogueService.objects.count() == 15
    assert CatalogueSector.objects.count() == 42
    assert len(EdihCategory.choices) == 4
    assert _levels("2") == {1: 21, 2: 88, 3: 272, 4: 615}
    assert NaceCode.objects.filter(revision="2").count() == 996
    assert _levels("2.1") == {1: 22, 2: 87, 3: 287, 4: 651}
    assert NaceCode.objects.filter(revision="2.1").count() == 1047
    assert Skill.objects.filter(in_digital_collection=True).count() == 1284
    assert Skill.objects.filter(in_digcomp=True).count() == 25
    assert Skill.objects.count() == 1289  # 20 DigComp concepts are also in the digital collection
    assert SkillGroup.objects.count() == 640
    assert seeded.counts["skills"] == 1289 and seeded.counts["NACE Rev. 2 codes"] == 996


def test_it_keeps_the_catalogue_labels_as_the_catalogue_writes_them(seeded: taxonomy.SeedResult) -> None:
    data = Technology.objects.get(name="data")
    assert pick(data.label, "en") == "data"
    assert Technology.objects.filter(name="New technologies for Audio-Visual sector - Media").exists()
    assert CatalogueService.objects.filter(name="Sme Business Development").exists()
    assert CatalogueSector.objects.filter(name="Retail, wholesale or distribution").exists()


def test_every_nace_class_reaches_its_section(seeded: taxonomy.SeedResult) -> None:
    codes = {(c.revision, c.pk): c for c in NaceCode.objects.all()}
    for code in codes.values():
        node, levels = code, [code.level]
        while node.parent_id is not None:
            node = codes[(code.revision, node.parent_id)]
            levels.append(node.level)
        assert levels == list(range(code.level, 0, -1)), code
    for revision in ("2", "2.1"):
        division = NaceCode.objects.select_related("parent").get(revision=revision, code="10")
        assert division.parent is not None and division.parent.code == "C"
        assert NaceCode.objects.get(revision=revision, code="10.11").parent.parent == division  # type: ignore[union-attr]


def test_a_nace_class_carries_its_includes_and_excludes(seeded: taxonomy.SeedResult) -> None:
    programming = NaceCode.objects.get(revision="2", code="62.01")
    assert pick(programming.title, "en") == "Computer programming activities"
    assert "writing, modifying, testing and supporting of software" in programming.includes
    assert "publishing packaged software, see 58.29" in programming.excludes
    assert NaceCode.objects.filter(revision="2", level=4).exclude(includes="").count() > 500


def test_every_skill_sits_in_the_esco_hierarchy(seeded: taxonomy.SeedResult) -> None:
    assert not Skill.objects.filter(group=None).exists()
    groups = {g.pk: g for g in SkillGroup.objects.all()}
    for group in groups.values():
        node = group
        while node.parent_id is not None:
            parent = groups[node.parent_id]
            assert parent.level == node.level - 1, node
            node = parent
        assert node.level == 0, group
    safety = Skill.objects.get(label="protect personal data and privacy")
    assert safety.in_digcomp and safety.group is not None


def test_top_level_labels_are_in_english_french_and_german(seeded: taxonomy.SeedResult) -> None:
    labelled: list[tuple[str, dict[str, str]]] = []
    for model in (Technology, CatalogueService, CatalogueSector):
        labelled += [(obj.name, obj.label) for obj in model.objects.all()]
    labelled += [(c.code, c.title) for c in NaceCode.objects.filter(level=1)]
    assert len(labelled) == 34 + 15 + 42 + 21 + 22
    for key, label in labelled:
        assert label["en"], key
        for language in ("fr", "de"):
            text = label.get(language, "")
            assert text.strip(), (key, language)
            if (language, key) not in SAME_AS_ENGLISH:
                assert text.casefold() != label["en"].casefold(), (key, language, text)
    manufacturing = NaceCode.objects.get(revision="2", code="C")
    assert manufacturing.title["fr"] == "Industrie manufacturière"
    assert manufacturing.title["de"] == "Verarbeitendes Gewerbe/Herstellung von Waren"
    assert pick(Technology.objects.get(name="Digital twins").label, "de") == "Digitale Zwillinge"


def test_lower_levels_stay_in_english(seeded: taxonomy.SeedResult) -> None:
    assert NaceCode.objects.get(revision="2.1", code="62.10").title.keys() == {"en"}


def test_a_second_seed_changes_no_row(seeded: taxonomy.SeedResult, django_assert_max_num_queries: Any) -> None:
    assert seeded.created == 34 + 15 + 42 + 996 + 1047 + 640 + 1289
    before = {model: list(model.objects.values()) for model in _models()}
    # One read per vocabulary and per link, two more for the savepoint; no writes.
    with django_assert_max_num_queries(16):
        again = taxonomy.seed_taxonomy()
    assert (again.created, again.updated, again.linked) == (0, 0, 0)
    assert {model: list(model.objects.values()) for model in _models()} == before


def test_a_seed_puts_back_what_was_changed(seeded: taxonomy.SeedResult) -> None:
    Technology.objects.filter(name="Robotics").update(label={"en": "Robots"})
    NaceCode.objects.filter(revision="2", code="62.01").update(parent=None, excludes="")
    again = taxonomy.seed_taxonomy()
    assert (again.created, again.updated, again.linked) == (0, 2, 1)
    assert Technology.objects.get(name="Robotics").label["fr"] == "Robotique"
    programming = NaceCode.objects.select_related("parent").get(revision="2", code="62.01")
    assert programming.parent is not None and programming.parent.code == "62.0" and programming.excludes


def test_the_first_seed_is_a_bounded_number_of_queries(db: Any, django_assert_max_num_queries: Any) -> None:
    """Bulk writes: about 70 queries on SQLite (999 parameters a query) for some 4,000 rows, not one per row."""
    with django_assert_max_num_queries(80):
        taxonomy.seed_taxonomy()


def test_a_failing_seed_writes_nothing(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A NACE section without its French and German title stops the seed after the catalogue was written."""
    labels = taxonomy.translations()
    del labels[("nace_2.1", "V")]
    monkeypatch.setattr(taxonomy, "translations", lambda: labels)
    with pytest.raises(ValueError, match=r"nace_2\.1 'V'"):
        taxonomy.seed_taxonomy()
    assert not Technology.objects.exists() and not NaceCode.objects.exists()


def test_the_product_reads_only_its_own_copy_of_the_data() -> None:
    assert taxonomy.DATA_DIR.is_dir() and "shared" not in taxonomy.DATA_DIR.parts
    size = sum(path.stat().st_size for path in taxonomy.DATA_DIR.iterdir())
    assert size < 5_000_000
    assert (taxonomy.DATA_DIR / "PROVENANCE.md").is_file()


def _models() -> list[Any]:
    return [Technology, CatalogueService, CatalogueSector, NaceCode, SkillGroup, Skill]
