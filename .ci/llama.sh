#!/usr/bin/env bash
# Build llama-cpp-python once (portable CPU flags, ~5 min on 2 cores), keep the wheel in the cache, install it with its
# server extras. Used by .ci/run for the LLM integration tests; the model itself is fetched and hash-checked by
# assistant/llm/model_file.py.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WHEELS="${POLICY_ASSISTANT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/policy-assistant}/wheels"
VERSION=0.3.36
mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-$VERSION-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $VERSION (portable AVX2 build, cached in $WHEELS)…" >&2
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
    "$BIN/pip" wheel -q --no-deps "llama-cpp-python==$VERSION" -w "$WHEELS"
fi
"$BIN/pip" install -q "$(ls "$WHEELS"/llama_cpp_python-$VERSION-*.whl | head -1)[server]"
