import pytest

from checker.engine.catalog import Catalog, CatalogError
from tests.conftest import GOOD_APP


@pytest.fixture
def catalog(tree):
    tree.add_kata("01_path_params", GOOD_APP)
    tree.add_kata("07_dependencies", GOOD_APP)
    return Catalog.load(tree.root)


@pytest.mark.parametrize(
    "name", ["7", "07", "dependencies", "07_dependencies", "katas/07_dependencies/"]
)
def test_a_kata_resolves_by_number_slug_or_id(catalog, name):
    assert catalog.resolve(name).id == "07_dependencies"


def test_an_unknown_kata_names_the_known_ones(catalog):
    with pytest.raises(CatalogError, match="01_path_params, 07_dependencies"):
        catalog.resolve("99")


def test_katas_are_in_curriculum_order(catalog):
    assert [k.number for k in catalog.katas] == [1, 7]


def test_select_without_names_is_every_kata_and_drops_repeats(catalog):
    assert len(catalog.select([])) == 2
    assert [k.id for k in catalog.select(["7", "dependencies"])] == ["07_dependencies"]


def test_a_kata_without_readable_metadata_still_lists_with_its_error(tree, catalog):
    (tree.root / "katas" / "07_dependencies" / "kata.toml").write_text("title = ")
    broken = Catalog.load(tree.root).resolve("07")
    assert "kata.toml cannot be read" in broken.load_error


def test_the_readme_lists_every_kata():
    from checker.engine.catalog import find_root

    root = find_root()
    readme = (root / "README.md").read_text()
    for kata in Catalog.load(root).katas:
        if (kata.path / "kata.toml").exists() and (root / "solutions" / kata.id).exists():
            assert f"(katas/{kata.id}/README.md)" in readme, f"README.md does not list {kata.id}"
