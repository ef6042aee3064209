"""How an API key's principal turns a request's projectId into a scope."""

import pytest

from services.gateway.auth import Principal
from services.gateway.errors import ApiError

PROJECT_KEY = Principal("org1", "proj1", "key1", "")
ORG_KEY = Principal("org1", "", "key2", "")


def test_project_key_implies_its_project():
    assert PROJECT_KEY.scope(None).project_id == "proj1"
    assert PROJECT_KEY.scope("proj1").organization_id == "org1"


def test_project_key_naming_another_project_is_401():
    with pytest.raises(ApiError) as err:
        PROJECT_KEY.scope("proj2")
    assert err.value.status == 401


def test_organization_key_must_name_a_project():
    with pytest.raises(ApiError) as err:
        ORG_KEY.scope("")
    assert err.value.status == 400
    assert ORG_KEY.scope("projX").project_id == "projX"
