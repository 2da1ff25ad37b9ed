#!/usr/bin/env bash
# make package [FUNCTIONS="function ..."]: builds the functions' bootstrap binaries with cargo-lambda in
# release, zipped under $CF_CACHE/lambda/<function>/bootstrap.zip, and prints their sizes.
# Targets arm64 (as template.yaml declares) when the aarch64 standard library is installed;
# otherwise x86_64, and says so: then set Architectures to x86_64 before deploying.
# The release profile (root Cargo.toml) is tuned for size and a practical build time: see
# docs/PERFORMANCE.md. Cold starts and sizes of what it built: python3 infra/bench/functions.py
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv "$DEPLOY_VENV" "$ROOT/infra/tools/requirements-deploy.txt"
export PATH="$DEPLOY_VENV/bin:$PATH"

if rustup target list --installed 2>/dev/null | grep -q '^aarch64-unknown-linux-gnu$'; then
  ARCH_FLAG=--arm64; ARCH=arm64
else
  ARCH_FLAG=--x86-64; ARCH=x86_64
  say "the aarch64 Rust standard library is not installed (rustup target add aarch64-unknown-linux-gnu);"
  say "building x86_64 instead: deploy with Architectures: [x86_64]"
fi

BINS=("$@")
if [ ${#BINS[@]} -eq 0 ]; then
  mapfile -t BINS < <(ls functions/lambdas/src/bin | sed 's/\.rs$//')
fi
ARGS=()
for b in "${BINS[@]}"; do ARGS+=(--bin "$b"); done
say "cargo lambda build --release $ARCH_FLAG (${#BINS[@]} functions)"
T0=$(date +%s)
(cd functions/lambdas && cargo lambda build --release "$ARCH_FLAG" "${ARGS[@]}")
T1=$(date +%s)
OUT="$CF_CACHE/lambda"; mkdir -p "$OUT"
printf '%-22s %12s %12s  %s\n' function binary_bytes zip_bytes arch
for b in "${BINS[@]}"; do
  bin="$CARGO_TARGET_DIR/lambda/$b/bootstrap"
  [ -f "$bin" ] || die "no bootstrap for $b at $bin"
  mkdir -p "$OUT/$b"
  (cd "$(dirname "$bin")" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED,compresslevel=9); z.write("bootstrap"); z.close()' "$OUT/$b/bootstrap.zip")
  printf '%-22s %12s %12s  %s\n' "$b" "$(stat -c %s "$bin")" "$(stat -c %s "$OUT/$b/bootstrap.zip")" "$ARCH"
  if [ "$(stat -c %s "$OUT/$b/bootstrap.zip")" -gt 4000000 ]; then BIG=$((${BIG:-0} + 1)); fi
done
say "${#BINS[@]} functions built in $((T1 - T0)) s ($ARCH); zips over 4 MB: ${BIG:-0}; zips in $OUT"
