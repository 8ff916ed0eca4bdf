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


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('time_limit = "forty"', "time_limit: Input should be a valid number (got 'forty')"),
        ('files = "app.py"', "files: Input should be a list, in [brackets] (got 'app.py')"),
        ("colour = 3", "colour: unknown key"),
        ("title = 3", "title: Input should be a valid string (got 3)"),
    ],
)
def test_a_bad_kata_toml_is_one_line_and_the_other_katas_still_run(tree, line, problem):
    tree.add_kata("01_ping", GOOD_APP)
    bad = tree.add_kata("02_pong", GOOD_APP)
    toml = bad / "kata.toml"
    key = line.split(" = ")[0]
    kept = [row for row in toml.read_text().splitlines() if not row.startswith(f"{key} =")]
    toml.write_text("\n".join([line, *kept]) + "\n")

    code, report = tree.check_json()
    katas = {kata["id"]: kata for kata in report["katas"]}
    assert code == 1
    assert katas["01_ping"]["status"] == "pass", katas["01_ping"]
    assert katas["02_pong"]["status"] == "error"
    message = katas["02_pong"]["message"]
    assert message.startswith("02_pong/kata.toml: ") and problem in message, message
    assert "\n" not in message, message

    listing = tree.run("list")
    assert listing.returncode == 0 and "01_ping" in listing.stdout and "02_pong" in listing.stdout


def test_validated_kata_toml_files_are_cached_and_revalidated_when_edited(tree):
    kata = tree.add_kata("01_ping", GOOD_APP)
    assert Catalog.load(tree.root).katas[0].meta is not None
    assert (tree.root / ".katas-cache" / "kata-toml.json").is_file()
    toml = kata / "kata.toml"
    toml.write_text(toml.read_text().replace("time_limit = 20", 'time_limit = "forty"'))
    assert "time_limit" in Catalog.load(tree.root).katas[0].load_error


def test_specs_in_subfolders_of_spec_are_found_and_run(tree):
    kata = tree.add_kata("01_ping", GOOD_APP)
    nested = kata / ".spec" / "more"
    nested.mkdir()
    (nested / "test_nested.py").write_text(
        "def test_nested_ping(test_client):\n"
        "    assert test_client.get('/ping').status_code == 200\n"
    )
    code, report = tree.check_json()
    names = [spec["name"] for spec in report["katas"][0]["tests"]]
    assert code == 0 and "test_nested_ping" in names, report
