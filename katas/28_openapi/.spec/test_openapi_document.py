"""Specs for kata 28, part 2: what GET /openapi.json says. Reached only through fixtures."""

import pytest

TAG_DESCRIPTIONS = {
    "items": "Stock items: look one up or add a new one.",
    "suppliers": "The companies we buy stock from.",
}


@pytest.fixture
async def document(client):
    r = await client.get("/openapi.json")
    assert r.status_code == 200, f"GET /openapi.json returned {r.status_code}"
    return r.json()


def operation(document, method, path):
    op = document.get("paths", {}).get(path, {}).get(method)
    assert op, (
        f"the OpenAPI document has no {method.upper()} {path}; its paths are "
        f"{sorted(document.get('paths', {}))}"
    )
    return op


def resolve(document, schema):
    """Follow a `$ref` ("#/components/schemas/Name") to the schema it names."""
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
    return schema or {}


def json_schema_of(document, holder):
    """The resolved application/json schema of a response or request body object."""
    schema = holder.get("content", {}).get("application/json", {}).get("schema")
    return resolve(document, schema) if schema else None


async def test_info_names_the_api(document):
    info = document.get("info", {})
    assert (info.get("title"), info.get("version")) == ("Warehouse inventory", "2.1.0"), (
        f"info is {info}; expected title 'Warehouse inventory' and version '2.1.0'"
    )


async def test_tags_have_descriptions(document):
    tags = {t.get("name"): t.get("description") for t in document.get("tags", [])}
    assert tags == TAG_DESCRIPTIONS, (
        f"the document's top-level tags are {document.get('tags')}; expected exactly "
        f"{[{'name': n, 'description': d} for n, d in TAG_DESCRIPTIONS.items()]}. Tags used on "
        "routes only get a description from FastAPI(openapi_tags=[...])."
    )


@pytest.mark.parametrize(
    ("method", "path", "tag", "summary"),
    [
        ("get", "/items/{item_id}", "items", "Get one stock item"),
        ("post", "/items", "items", "Add a stock item"),
        ("get", "/suppliers", "suppliers", "List suppliers"),
    ],
)
async def test_operations_have_a_tag_and_a_summary(document, method, path, tag, summary):
    op = operation(document, method, path)
    assert op.get("tags") == [tag], (
        f"{method.upper()} {path} has tags {op.get('tags')}; expected [{tag!r}]: pass "
        f"tags=[{tag!r}] to the route decorator"
    )
    assert op.get("summary") == summary, (
        f"{method.upper()} {path} has summary {op.get('summary')!r}; expected {summary!r}. "
        "Without summary= FastAPI makes one from the function name."
    )


@pytest.mark.parametrize(
    ("method", "path", "description"),
    [
        ("get", "/items/{item_id}", "Returns one stock item by its id."),
        ("post", "/items", "Creates an item with the next free id. The SKU must be new."),
    ],
)
async def test_operations_have_a_description(document, method, path, description):
    op = operation(document, method, path)
    assert op.get("description") == description, (
        f"{method.upper()} {path} has description {op.get('description')!r}; expected "
        f"{description!r}. Use description= on the decorator or the function's docstring."
    )


@pytest.mark.parametrize(
    ("method", "path", "status", "description"),
    [
        ("get", "/items/{item_id}", "404", "Item not found"),
        ("post", "/items", "409", "SKU already exists"),
    ],
)
async def test_error_responses_are_documented_with_a_model(
    document, method, path, status, description
):
    op = operation(document, method, path)
    response = op.get("responses", {}).get(status)
    assert response, (
        f"{method.upper()} {path} documents responses {sorted(op.get('responses', {}))}; the "
        f"{status} it can return is missing. Add responses={{{status}: {{...}}}} to the route."
    )
    assert response.get("description") == description, (
        f"the {status} response of {method.upper()} {path} is described as "
        f"{response.get('description')!r}; expected {description!r}"
    )
    schema = json_schema_of(document, response)
    assert schema and "detail" in schema.get("properties", {}), (
        f"the {status} response of {method.upper()} {path} has no application/json schema with a "
        f"`detail` property (it is {response}). Give it a model: "
        f"responses={{{status}: {{'model': Message, 'description': ...}}}} with "
        "`class Message(BaseModel): detail: str`."
    )
    assert schema["properties"]["detail"].get("type") == "string" and "detail" in schema.get(
        "required", []
    ), f"the {status} error schema is {schema}; `detail` should be a required string"


async def test_request_body_schema_has_an_example(document):
    op = operation(document, "post", "/items")
    schema = json_schema_of(document, op.get("requestBody", {}))
    assert schema, (
        "POST /items has no application/json request body schema: is `item: ItemIn` its body?"
    )
    examples = schema.get("examples")
    assert isinstance(examples, list) and examples, (
        "the request body schema of POST /items has no schema-level `examples` list. Set "
        "model_config = ConfigDict(json_schema_extra={'examples': [{...}]}) on the model "
        f"(examples on each Field land on the properties instead). The schema is {schema}"
    )
    example = examples[0]
    ok = (
        isinstance(example, dict)
        and isinstance(example.get("sku"), str)
        and isinstance(example.get("name"), str)
        and isinstance(example.get("quantity"), int)
        and example["quantity"] >= 0
    )
    assert ok, (
        f"the first example of the POST /items body is {example}; it should be a valid item: "
        "a string sku, a string name and an int quantity >= 0"
    )


async def test_quantity_is_described_and_bounded(document):
    op = operation(document, "post", "/items")
    schema = json_schema_of(document, op.get("requestBody", {})) or {}
    quantity = schema.get("properties", {}).get("quantity", {})
    assert quantity.get("description") == "Units on the shelf" and quantity.get("minimum") == 0, (
        f"the `quantity` property of the POST /items body schema is {quantity}; expected "
        "description 'Units on the shelf' and minimum 0: Field(ge=0, description=...) puts both "
        "in the schema"
    )


async def test_internal_route_is_hidden(document):
    assert "/internal/metrics" not in document.get("paths", {}), (
        "the OpenAPI document lists /internal/metrics; hide it with include_in_schema=False on "
        "its decorator"
    )
