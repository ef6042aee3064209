"""`ocrbatch admin …`: organizations, projects, API keys and credits, through the batch service's AdminService."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from ocrbatch.v1 import tenancy_pb2, tenancy_pb2_grpc

LOCALE_HELP = "BCP 47, e.g. en-US: how its documents' dates and amounts are read when nothing more specific tells"


def add_parser(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="manage organizations, projects, API keys, users and credits")
    admin.add_argument(
        "--batch-target", help="batch service address (default: $OCRBATCH_BATCH_TARGET or the local stack)"
    )
    admin.add_argument("--json", action="store_true", help="print JSON instead of text")
    things = admin.add_subparsers(dest="thing", required=True)

    org = things.add_parser("org", help="organizations").add_subparsers(dest="action", required=True)
    create = org.add_parser("create", help="create an organization")
    create.add_argument("name")
    create.add_argument("--credits", type=int, default=0)
    org.add_parser("list", help="list organizations with their credit balance")
    credits = org.add_parser("credits", help="add credits (negative to take some away)")
    credits.add_argument("organization_id")
    credits.add_argument("credits", type=int)

    project = things.add_parser("project", help="projects").add_subparsers(dest="action", required=True)
    create = project.add_parser("create", help="create a project in an organization")
    create.add_argument("organization_id")
    create.add_argument("name")
    create.add_argument("--locale", default="", help=LOCALE_HELP)
    update = project.add_parser("update", help="rename a project or set its locale")
    update.add_argument("project_id")
    update.add_argument("--name", help="the new name")
    update.add_argument("--locale", help=f"{LOCALE_HELP}; '' removes it")
    listing = project.add_parser("list", help="list an organization's projects")
    listing.add_argument("organization_id")

    key = things.add_parser("key", help="API keys").add_subparsers(dest="action", required=True)
    create = key.add_parser("create", help="create a key: a project key with --project, else an organization key")
    create.add_argument("organization_id")
    create.add_argument("--project", default="", help="project id: the key is limited to this project")
    create.add_argument("--name", default="")
    listing = key.add_parser("list", help="list an organization's keys (never their secrets)")
    listing.add_argument("organization_id")
    revoke = key.add_parser("revoke", help="revoke a key; it fails at once")
    revoke.add_argument("key_id")

    user = things.add_parser("user", help="people who sign in").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user; the password is read from stdin (never an argument)")
    create.add_argument("organization_id")
    create.add_argument("email")
    create.add_argument("--name", default="")
    listing = user.add_parser("list", help="list an organization's users")
    listing.add_argument("organization_id")
    disable = user.add_parser("disable", help="disable a user: their sign-ins and tokens fail at once")
    disable.add_argument("user_id")


def _target(args: argparse.Namespace) -> str:
    if args.batch_target:
        return args.batch_target
    if os.environ.get("OCRBATCH_BATCH_TARGET"):
        return os.environ["OCRBATCH_BATCH_TARGET"]
    state = Path(os.environ.get("OCRBATCH_HOME", ".ocrbatch")) / "stack.json"
    if state.exists():
        return json.loads(state.read_text())["batchTarget"]
    raise SystemExit("no batch service: pass --batch-target, set OCRBATCH_BATCH_TARGET, or start `make up`")


def _call(stub: tenancy_pb2_grpc.AdminServiceStub, args: argparse.Namespace) -> Any:
    match (args.thing, args.action):
        case ("org", "create"):
            return stub.CreateOrganization(tenancy_pb2.CreateOrganizationRequest(name=args.name, credits=args.credits))
        case ("org", "list"):
            return stub.ListOrganizations(tenancy_pb2.ListOrganizationsRequest())
        case ("org", "credits"):
            return stub.AddCredits(
                tenancy_pb2.AddCreditsRequest(organization_id=args.organization_id, credits=args.credits)
            )
        case ("project", "create"):
            return stub.CreateProject(
                tenancy_pb2.CreateProjectRequest(
                    organization_id=args.organization_id, name=args.name, locale=args.locale
                )
            )
        case ("project", "update"):
            return stub.UpdateProject(
                tenancy_pb2.UpdateProjectRequest(project_id=args.project_id, name=args.name, locale=args.locale)
            )
        case ("project", "list"):
            return stub.ListProjects(tenancy_pb2.ListProjectsRequest(organization_id=args.organization_id))
        case ("key", "create"):
            request = tenancy_pb2.CreateApiKeyRequest(
                organization_id=args.organization_id, project_id=args.project, name=args.name
            )
            return stub.CreateApiKey(request)
        case ("key", "list"):
            return stub.ListApiKeys(tenancy_pb2.ListApiKeysRequest(organization_id=args.organization_id))
        case ("key", "revoke"):
            return stub.RevokeApiKey(tenancy_pb2.RevokeApiKeyRequest(key_id=args.key_id))
        case ("user", "create"):
            password = sys.stdin.readline().rstrip("\n")
            request = tenancy_pb2.CreateUserRequest(
                organization_id=args.organization_id, email=args.email, password=password, name=args.name
            )
            return stub.CreateUser(request)
        case ("user", "list"):
            return stub.ListUsers(tenancy_pb2.ListUsersRequest(organization_id=args.organization_id))
        case ("user", "disable"):
            return stub.DisableUser(tenancy_pb2.DisableUserRequest(user_id=args.user_id))
    raise SystemExit(f"unknown command {args.thing} {args.action}")


def _text(reply: Any) -> str:
    body = MessageToDict(reply)
    if "secret" in body:
        key = body["key"]
        scope = f"project {key['projectId']}" if key.get("projectId") else "organization-wide"
        return f"key {key['id']} ({scope})\n{body['secret']}\nThis is the only time the key is shown: store it now."
    rows = body.get("data", [body])
    return "\n".join("  ".join(f"{k}={v}" for k, v in row.items()) for row in rows) or "(none)"


def run(args: argparse.Namespace) -> int:
    with grpc.insecure_channel(_target(args)) as channel:
        try:
            reply = _call(tenancy_pb2_grpc.AdminServiceStub(channel), args)
        except grpc.RpcError as exc:
            print(f"error: {exc.details() or exc.code().name}", file=sys.stderr)
            return 1
    print(json.dumps(MessageToDict(reply), indent=2) if args.json else _text(reply))
    return 0
