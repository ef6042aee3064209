"""Generates the Python gRPC code (_pb2, _pb2_grpc, .pyi) for protos/ocrbatch/v1 in place.

Usage: python scripts/gen_protos.py [--check]
--check regenerates into a temporary folder and fails when the committed code is stale.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
PACKAGE_DIR = PROTO_ROOT / "ocrbatch" / "v1"


def generate(out_dir: Path) -> None:
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PACKAGE_DIR.glob("*.proto"))
    include = str(Path(protoc.__file__).parent / "_proto")
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


def generated_files(base: Path) -> list[Path]:
    v1 = base / "ocrbatch" / "v1"
    return sorted(p.relative_to(base) for p in v1.iterdir() if p.suffix in {".py", ".pyi"} and p.name != "__init__.py")


def main() -> int:
    check = "--check" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out)
        fresh = generated_files(out)
        if check:
            committed = generated_files(PROTO_ROOT)
            stale = [
                str(p)
                for p in fresh
                if not (PROTO_ROOT / p).exists() or not filecmp.cmp(out / p, PROTO_ROOT / p, shallow=False)
            ]
            stale += [str(p) for p in committed if p not in fresh]
            if stale:
                print("generated code is stale, run `make protos`:", ", ".join(stale), file=sys.stderr)
                return 1
            print("generated code is up to date")
            return 0
        for old in generated_files(PROTO_ROOT):
            (PROTO_ROOT / old).unlink()
        for rel in fresh:
            shutil.copyfile(out / rel, PROTO_ROOT / rel)
    print(f"generated {len(fresh)} files into {PACKAGE_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
