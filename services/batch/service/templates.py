"""Use cases for templates: a project's own templates (create, read, list, replace, delete) and the
built-in ones, which every project sees and nobody changes."""

from __future__ import annotations

from datetime import UTC, datetime

from ocrbatch.v1 import templates_pb2
from services.batch.domain.model import CandidateType, Scope
from services.batch.errors import InvalidArgument, NotFound
from services.batch.ports import Templates
from services.common.templates import BUILTIN_TEMPLATES, TemplateError, validate


def _checked(template: templates_pb2.Template) -> templates_pb2.Template:
    checked = templates_pb2.Template()
    checked.CopyFrom(template)
    try:
        return validate(checked)
    except TemplateError as exc:
        raise InvalidArgument(str(exc)) from None


MAX_CANDIDATES = 20  # types one file is classified among: each costs an extraction per page
MAX_NAME_CHARS = 200  # a template's id or name as a client gives it (as docType)


class TemplateCatalog:
    def __init__(self, templates: Templates) -> None:
        self._templates = templates

    async def get(self, scope: Scope, template_id: str) -> templates_pb2.Template:
        if template_id in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[template_id]
        template = await self._templates.get(scope, template_id)
        if template is None:
            raise NotFound(f"template {template_id} not found")
        return template

    async def find(self, scope: Scope, id_or_name: str) -> templates_pb2.Template | None:
        """A template by its id, else by its name (case-insensitive): a built-in or one of the project's."""
        if id_or_name in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[id_or_name]
        if (own := await self._templates.get(scope, id_or_name)) is not None:
            return own
        wanted = id_or_name.casefold()
        return next((t for t in await self.list(scope) if t.name.casefold() == wanted), None)

    async def candidates(self, scope: Scope, names: list[str], what: str) -> list[CandidateType]:
        """The templates a classified file may be, each by its id or name as the client gave it (`what`: the
        parameter's name, for errors); a name that fits none is refused."""
        names = [n.strip() for n in names]
        if not 1 <= len(names) <= MAX_CANDIDATES:
            raise InvalidArgument(f"{what} must name 1 to {MAX_CANDIDATES} templates")
        if any(not 1 <= len(n) <= MAX_NAME_CHARS for n in names):
            raise InvalidArgument(f"{what}: each name is 1 to {MAX_NAME_CHARS} characters")
        if len(set(names)) != len(names):
            raise InvalidArgument(f"{what} names a template twice")
        out = []
        for name in names:
            template = await self.find(scope, name)
            if template is None:
                raise InvalidArgument(f"{what}: {name[:80]!r} names no template of this project")
            out.append(CandidateType(name, template))
        return out

    async def all_types(self, scope: Scope) -> list[CandidateType]:
        """Every template of the project that is a type of document (the generic one is none), by its id."""
        types = [CandidateType(t.id, t) for t in await self.list(scope) if not t.key_values]
        if len(types) > MAX_CANDIDATES:
            raise InvalidArgument(
                f"the project has {len(types)} templates: a classification weighs at most {MAX_CANDIDATES}"
            )
        return types

    async def list(self, scope: Scope) -> list[templates_pb2.Template]:
        return [*BUILTIN_TEMPLATES.values(), *await self._templates.list(scope)]

    async def create(self, scope: Scope, template: templates_pb2.Template) -> templates_pb2.Template:
        checked = _checked(template)
        checked.id = self._templates.new_id()
        return await self._templates.add(scope, checked, datetime.now(UTC))

    async def update(self, scope: Scope, template: templates_pb2.Template) -> templates_pb2.Template:
        if template.id in BUILTIN_TEMPLATES:
            raise InvalidArgument(f"built-in template {template.id!r} cannot be changed; create your own instead")
        checked = _checked(template)
        checked.id = template.id  # a full replacement: what the new version leaves out does not survive
        replaced = await self._templates.replace(scope, checked, datetime.now(UTC))
        if replaced is None:
            raise NotFound(f"template {template.id} not found")
        return replaced

    async def delete(self, scope: Scope, template_id: str) -> templates_pb2.Template:
        if template_id in BUILTIN_TEMPLATES:
            raise InvalidArgument(f"built-in template {template_id!r} cannot be deleted")
        deleted = await self._templates.soft_delete(scope, template_id, datetime.now(UTC))
        if deleted is None:
            raise NotFound(f"template {template_id} not found")
        return deleted
