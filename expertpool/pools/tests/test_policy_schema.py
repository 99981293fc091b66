"""docs/policy.schema.json is generated from the policy models and cannot go stale."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.conf import settings
from django.core.management import call_command

from expertpool.pools.policy import Policy, policy_json_schema

SCHEMA_FILE = settings.BASE_DIR / "docs" / "policy.schema.json"


def test_committed_schema_equals_the_generated_one() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == policy_json_schema(), "regenerate: python manage.py policy_schema > docs/policy.schema.json"


def test_schema_is_the_models_json_schema() -> None:
    assert json.loads(policy_json_schema()) == Policy.model_json_schema()


def test_policy_schema_command_prints_the_schema() -> None:
    out = StringIO()
    call_command("policy_schema", stdout=out)
    assert out.getvalue() == policy_json_schema()


def test_schema_describes_every_key() -> None:
    schema = Policy.model_json_schema()
    definitions = schema["$defs"]

    def described(prop: dict[str, Any]) -> bool:
        # pydantic leaves out a field's description where it repeats its model's.
        ref = prop.get("$ref", "").removeprefix("#/$defs/")
        return bool(prop.get("description") or (ref and definitions[ref].get("description")))

    undocumented = [
        f"{name}.{key}"
        for name, definition in [("Policy", schema), *definitions.items()]
        for key, prop in definition.get("properties", {}).items()
        if not described(prop)
    ]
    assert undocumented == []


def test_docs_describe_every_key_of_every_section() -> None:
    docs = (settings.BASE_DIR / "docs" / "policy.md").read_text(encoding="utf-8")
    sections = {block.split("\n", 1)[0].split(" ", 1)[0]: block for block in docs.split("\n### ")[1:]}
    missing = [
        f"{name}.{key}"
        for name, definition in [("Policy", Policy.model_json_schema()), *Policy.model_json_schema()["$defs"].items()]
        if "properties" in definition
        for key in definition["properties"]
        if f"| `{key}` |" not in sections.get(name, "")
    ]
    assert missing == []
