#!/bin/sh
# make images: the ocrbatch image, built with podman without any registry or package index.
#  1. a base image from debootstrap (minbase bookworm + Debian's Python 3.11), tagged debian:bookworm-slim
#  2. a wheelhouse of the project and every dependency, made on this host with pip wheel
#  3. podman build --pull=never from deploy/image/Dockerfile
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/build/image"
target="${OCRBATCH_IMAGE_TARGET:-cpu}"  # cpu, or gpu: the GPU workers' image (the `gpu` extra's wheels too)
case "$target" in
  cpu) tag="${OCRBATCH_IMAGE:-ocrbatch:0.1.0}" ;;
  gpu) tag="${OCRBATCH_IMAGE:-ocrbatch-gpu:0.1.0}" ;;
  *) echo "OCRBATCH_IMAGE_TARGET: cpu or gpu, not $target" >&2; exit 2 ;;
esac
python="${PYTHON:-$root/.venv/bin/python}"
export CONTAINERS_CONF="$here/containers.conf"
mkdir -p "$work"
if ! podman image exists debian:bookworm-slim; then
  rootfs="$work/rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,libgomp1 bookworm "$rootfs" \
    "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -c . | podman import - debian:bookworm-slim
  rm -rf "$rootfs"
fi
rm -rf "$work/context"
mkdir -p "$work/context/wheelhouse"
mkdir -p "$work/context/wheelhouse-gpu"  # empty for the cpu target, whose build never reads it
"$python" -m pip wheel --quiet --wheel-dir "$work/context/wheelhouse" "$root[local]"
if [ "$target" = gpu ]; then
  # several GB of CUDA and cuDNN wheels: made only for this target
  "$python" -m pip wheel --quiet --wheel-dir "$work/context/wheelhouse-gpu" "onnxruntime-gpu[cuda,cudnn]>=1.22,<2"
  build_target="--target=gpu"
else
  build_target=""
fi
cp "$here/Dockerfile" "$here/entrypoint.sh" "$work/context/"
# shellcheck disable=SC2086  # build_target is empty or one word
podman build --pull=never $build_target --tag "$tag" "$work/context"
echo "built $tag"
