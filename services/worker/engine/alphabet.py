"""The recognition alphabet: a PP-OCR recognition model scores every character of its alphabet at every step
of a line. PP-OCRv6's is 18,708 characters, 16,000 of them Chinese and Japanese; for documents in Latin
script the scores of those are work for nothing (about a tenth of a receipt's time, measured) and a chance
to read a Latin letter as a look-alike. `latin` keeps the classifier's rows for Latin letters (accented
too), Greek, digits, punctuation, currency and other symbols; `full` keeps the model as it ships.

The model is restricted when the engine starts, from the bundled file: its final classifier (a MatMul and a
bias Add before the Softmax that is the model's output) keeps only the kept characters' columns, and the
model's `character` metadata lists them, so the runtimes and rapidocr's decoder read it like any model.
The restricted model is written once under the temporary directory, named by what it was made from, and
read from there by every engine after (a worker's renewed engine, the other workers on the machine).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ALPHABETS = ("latin", "full")

# Code point ranges of the `latin` alphabet: Basic Latin to Greek (with Latin-1, Latin Extended A and B,
# IPA, spacing modifiers and combining marks), then general punctuation, super- and subscripts, currency
# signs, letterlike symbols, number forms, arrows, mathematical operators and the other symbol blocks up to
# 0x2BFF. Not kept: Cyrillic and other scripts this model does not read anyway, and CJK (with fullwidth Latin).
LATIN_RANGES = ((0x0000, 0x03FF), (0x2000, 0x2BFF))


def is_latin(character: str) -> bool:
    # printable: the alphabet travels as lines of text, and a line or paragraph separator would split it
    return (
        len(character) == 1
        and character.isprintable()
        and any(low <= ord(character) <= high for low, high in LATIN_RANGES)
    )


@dataclass(frozen=True)
class RestrictedModel:
    data: bytes  # the ONNX model, serialised
    characters: list[str]  # its alphabet, in class order (without the blank and the space rapidocr adds)


class UnexpectedModel(RuntimeError):
    """The model does not end in the classifier this module knows how to restrict."""


def restrict(model_path: Path, characters: Sequence[str] | None = None) -> RestrictedModel:
    """The model at model_path with its classifier restricted to the `latin` alphabet. characters is the
    model's alphabet where it does not carry it in its metadata (a keys file's lines)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_path))
    graph = model.graph
    if characters is None:
        listed = [prop.value for prop in model.metadata_props if prop.key == "character"]
        if not listed:
            raise UnexpectedModel(f"{model_path.name}: no alphabet in its metadata and no keys file")
        characters = listed[0].splitlines()
    producers = {output: node for node in graph.node for output in node.output}
    initializers = {tensor.name: tensor for tensor in graph.initializer}

    def producer(name: str) -> onnx.NodeProto:
        node = producers.get(name)
        while node is not None and node.op_type == "Identity":
            node = producers.get(node.input[0])
        if node is None:
            raise UnexpectedModel(f"{model_path.name}: {name} is not computed by a node")
        return node

    softmax = producer(graph.output[0].name)
    add = producer(softmax.input[0])
    if softmax.op_type != "Softmax" or add.op_type != "Add":
        raise UnexpectedModel(f"{model_path.name}: the output is not Softmax(MatMul + bias)")
    matmul_output, bias_name = (add.input[0], add.input[1]) if add.input[1] in initializers else add.input[::-1]
    matmul = producer(matmul_output)
    if matmul.op_type != "MatMul" or matmul.input[1] not in initializers or bias_name not in initializers:
        raise UnexpectedModel(f"{model_path.name}: the output is not Softmax(MatMul + bias)")
    weights = numpy_helper.to_array(initializers[matmul.input[1]])
    bias = numpy_helper.to_array(initializers[bias_name])
    classes = len(characters) + 2  # rapidocr's decoder: the blank first, the space last
    if weights.shape[-1] != classes or bias.shape != (classes,):
        raise UnexpectedModel(
            f"{model_path.name}: {weights.shape[-1]} classes for an alphabet of {len(characters)} characters"
        )

    kept = [index for index, character in enumerate(characters, start=1) if is_latin(character)]
    columns = [0, *kept, classes - 1]
    for tensor, array in ((initializers[matmul.input[1]], weights), (initializers[bias_name], bias)):
        tensor.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(array[..., columns]), tensor.name))
    for value in [*graph.value_info, graph.output[0]]:  # the shapes recorded along the way, and the output's
        last = value.type.tensor_type.shape.dim[-1:]
        if last and last[0].dim_value == classes:
            last[0].dim_value = len(columns)
    restricted = [characters[index - 1] for index in kept]
    kept_props = [(prop.key, prop.value) for prop in model.metadata_props if prop.key != "character"]
    del model.metadata_props[:]
    for key, value in [*kept_props, ("character", "\n".join(restricted))]:
        model.metadata_props.add(key=key, value=value)
    return RestrictedModel(model.SerializeToString(), restricted)


def restricted_model_file(model_path: Path, characters: Sequence[str] | None = None) -> Path:
    """restrict()'s model as a file (runtimes and rapidocr take a path): made once per source model and
    alphabet, then found again; written under a temporary name and renamed, so a reader never sees half."""
    source = model_path.read_bytes()
    digest = hashlib.sha256(source)
    digest.update(repr((LATIN_RANGES, list(characters or []))).encode())
    folder = Path(tempfile.gettempdir()) / "ocrbatch-models"
    target = folder / f"{model_path.parent.name}-{model_path.stem}-latin-{digest.hexdigest()[:16]}.onnx"
    if target.is_file():
        return target
    data = restrict(model_path, characters).data
    part: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as file:
            part = Path(file.name)
            file.write(data)
        part.chmod(0o644)  # workers of other users on the machine read it too
        os.replace(part, target)
    except OSError as exc:
        if part is not None:
            part.unlink(missing_ok=True)
        raise RuntimeError(
            f"cannot write the recognition model restricted to the latin alphabet under {folder} ({exc}): "
            "make the temporary directory (TMPDIR) writable, or set OCRBATCH_OCR_ALPHABET=full"
        ) from None
    return target
