"""Use cases for templates: create, read, list, update and delete a project's templates; built-ins for all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf.json_format import MessageToDict, ParseDict

from ocrbatch.v1 import templates_pb2
from services.batch.adapters.store import Scope, Store
from services.batch.errors import InvalidArgument, NotFound
from services.common.convert import to_timestamp
from services.common.templates import BUILTIN_TEMPLATES, TemplateError, validate

# Stored as the protobuf JSON of the template, beside these bookkeeping fields.
_STORED_EXTRA = ("id", "organizationId", "projectId", "createdAt", "updatedAt", "deletedAt")


def template_from_doc(doc: dict[str, Any]) -> templates_pb2.Template:
    body = {k: v for k, v in doc.items() if k not in _STORED_EXTRA}
    template = ParseDict(body, templates_pb2.Template(), ignore_unknown_fields=True)
    template.id = doc["id"]
    template.project_id = doc.get("projectId", "")
    for name in ("created_at", "updated_at"):
        ts = to_timestamp(doc.get("createdAt" if name == "created_at" else "updatedAt"))
        if ts is not None:
            getattr(template, name).CopyFrom(ts)
    return template


def _body(template: templates_pb2.Template) -> dict[str, Any]:
    body = MessageToDict(template)
    for key in ("id", "projectId", "builtin", "createdAt", "updatedAt"):
        body.pop(key, None)
    return body


class Templates:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, scope: Scope, template_id: str) -> templates_pb2.Template:
        if template_id in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[template_id]
        doc = await self._store.get_template(scope, template_id)
        if doc is None:
            raise NotFound(f"template {template_id} not found")
        return template_from_doc(doc)

    async def list(self, scope: Scope) -> list[templates_pb2.Template]:
        own = [template_from_doc(d) for d in await self._store.list_templates(scope)]
        return [*BUILTIN_TEMPLATES.values(), *own]

    @staticmethod
    def _checked(template: templates_pb2.Template) -> templates_pb2.Template:
        checked = templates_pb2.Template()
        checked.CopyFrom(template)
        try:
            return validate(checked)
        except TemplateError as exc:
            raise InvalidArgument(str(exc)) from None

    async def create(self, scope: Scope, template: templates_pb2.Template) -> templates_pb2.Template:
        checked = self._checked(template)
        at = datetime.now(UTC)
        doc = {
            **_body(checked),
            "id": self._store.new_id(),
            "organizationId": scope.organization_id,
            "projectId": scope.project_id,
            "createdAt": at,
            "updatedAt": at,
            "deletedAt": None,
        }
        await self._store.insert_template(doc)
        return template_from_doc(doc)

    async def update(self, scope: Scope, template: templates_pb2.Template) -> templates_pb2.Template:
        if template.id in BUILTIN_TEMPLATES:
            raise InvalidArgument(f"built-in template {template.id!r} cannot be changed; create your own instead")
        checked = self._checked(template)
        body = _body(checked)
        # a full replacement: fields left out of the new version must not survive from the old one
        unset = {key: None for key in ("fields", "keyValues", "description") if key not in body}
        doc = await self._store.update_template(scope, template.id, {**body, **unset, "updatedAt": datetime.now(UTC)})
        if doc is None:
            raise NotFound(f"template {template.id} not found")
        return template_from_doc(doc)

    async def delete(self, scope: Scope, template_id: str) -> templates_pb2.Template:
        if template_id in BUILTIN_TEMPLATES:
            raise InvalidArgument(f"built-in template {template_id!r} cannot be deleted")
        doc = await self._store.delete_template(scope, template_id, datetime.now(UTC))
        if doc is None:
            raise NotFound(f"template {template_id} not found")
        return template_from_doc(doc)
