"""Locales as the batch service takes them (an upload's, a project's), and the one each file is read by when
its page does not tell: the upload's, else the template's, else the project's."""

from __future__ import annotations

from ocrbatch.v1 import templates_pb2
from services.batch.domain.model import LocaleChoice, Scope
from services.batch.errors import InvalidArgument
from services.batch.ports import Tenancy
from services.common.locales import LocaleError, canonical_locale


def checked_locale(tag: str) -> str:
    """The canonical form of a locale given from outside ("" when none), or InvalidArgument naming the field."""
    try:
        return canonical_locale(tag)
    except LocaleError as exc:
        raise InvalidArgument(f"locale: {exc}") from None


async def locale_choice(
    tenancy: Tenancy, scope: Scope, given: str, template: templates_pb2.Template | None
) -> LocaleChoice:
    """The locale the scope's files are read by, given the upload's (canonical) and the template snapshot."""
    template_locale = template.locale if template is not None else ""
    if given or template_locale:  # the project's would not be used: no need to read it
        return LocaleChoice.of(given, template_locale, "")
    project = await tenancy.get_project(scope.organization_id, scope.project_id)
    return LocaleChoice.of("", "", project.locale if project is not None else "")
