"""How an API key's principal turns a request's projectId into a scope."""

import pytest

from services.gateway.auth import Principal
from services.gateway.errors import ApiError


async def projects_of_org1(organization_id: str, project_id: str) -> bool:
    """Stands in for the batch service's CheckProject (a fake behind the checker port)."""
    return organization_id == "org1" and project_id in ("proj1", "projX")


PROJECT_KEY = Principal("org1", "proj1", "key1", "", projects_of_org1)
ORG_KEY = Principal("org1", "", "key2", "", projects_of_org1)


async def test_project_key_implies_its_project():
    assert (await PROJECT_KEY.scope(None)).project_id == "proj1"
    assert (await PROJECT_KEY.scope("proj1")).organization_id == "org1"


async def test_project_key_naming_another_project_is_401():
    with pytest.raises(ApiError) as err:
        await PROJECT_KEY.scope("proj2")
    assert err.value.status == 401


async def test_organization_key_must_name_one_of_its_projects():
    with pytest.raises(ApiError) as err:
        await ORG_KEY.scope("")
    assert err.value.status == 400
    assert (await ORG_KEY.scope("projX")).project_id == "projX"
    with pytest.raises(ApiError) as err:
        await ORG_KEY.scope("someone-elses-project")
    assert err.value.status == 401
