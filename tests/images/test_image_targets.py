"""The image's targets, read from its Dockerfile without building it (the build needs root and, for the gpu target,
several GB of CUDA wheels): the default target stays the CPU image, and the gpu target is the same runtime with ONNX
Runtime's CUDA build in place of the CPU one."""

from __future__ import annotations

import re
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "deploy" / "image" / "Dockerfile"


def stages() -> list[tuple[str, str]]:
    """Each stage's name ("" when unnamed) and its instructions."""
    text = re.sub(r"^#.*\n", "", DOCKERFILE.read_text(), flags=re.M)
    parts = re.split(r"^FROM ", text, flags=re.M)[1:]
    named = []
    for part in parts:
        head = part.splitlines()[0].split()
        named.append((head[2] if len(head) > 2 and head[1].upper() == "AS" else "", part))
    return named


def test_the_default_target_is_the_cpu_image():
    name, body = stages()[-1]
    assert name == ""
    assert "COPY --from=build-cpu /opt/ocrbatch /opt/ocrbatch" in body
    cpu = dict(stages())["build-cpu"]
    assert "onnxruntime-gpu" not in cpu


def test_the_gpu_target_swaps_onnxruntime_for_its_cuda_build_and_reads_with_it():
    by_name = dict(stages())
    assert "pip uninstall -y onnxruntime" in by_name["build-gpu"]
    assert "'onnxruntime-gpu[cuda,cudnn]'" in by_name["build-gpu"]
    assert "COPY --from=build-gpu /opt/ocrbatch /opt/ocrbatch" in by_name["gpu"]
    assert "OCRBATCH_OCR_ENGINE=onnxruntime-gpu" in by_name["gpu"]
    assert by_name["gpu"].startswith("runtime AS gpu")  # the same user, entrypoint and ports as the CPU image
