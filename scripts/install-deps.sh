#!/usr/bin/env bash
# Installs the Debian packages ragscale needs to build, test and benchmark, but only
# the ones that are missing, so a second run costs a dpkg query and nothing else.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config make
  libhttp-parser-dev libyaml-cpp-dev rapidjson-dev
  libsqlite3-dev libhnswlib-dev libssl-dev libpq-dev libhiredis-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # make fuzz / make test: clang with libFuzzer, llvm-symbolizer for readable stacks.
  clang libclang-rt-14-dev llvm
)
# Real peers the integration tests and benchmarks run against (and GNU time, with which
# bench/load_scale.sh measures the generator's peak memory).
# postgresql-15 and redis-server: the servers the store's and the shared cache's tests start
# in temporary folders (never the system services); PostgreSQL's binaries are under
# /usr/lib/postgresql/15/bin. haproxy: the balancer of ragscale cluster (its tests and
# make cluster-demo start private clusters).
test_packages=(python3 nginx-light wrk python3-locust curl chromium time postgresql-15 redis-server haproxy)

# ragscale cluster (make cluster-demo): the servers it starts.
cluster_packages=(postgresql-15 redis-server haproxy curl python3)

wanted=("${build_packages[@]}")
if [ "${1:-}" = "--with-test-peers" ]; then
  wanted+=("${test_packages[@]}")
elif [ "${1:-}" = "--with-cluster" ]; then
  wanted+=("${cluster_packages[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# npm packages come from the npm registry, pinned by each folder's package-lock.json:
# the HTML report's front-end assets (web/) and the Kubernetes schema models that validate
# deploy/k8s/ offline (deploy/k8s/validate/). Installed when missing or when a lock file changed.
install_web_assets() {
  local root
  root="$(cd "$(dirname "$0")/.." && pwd)"
  install_npm_folder "$root/web" "the report's front-end assets"
  install_npm_folder "$root/deploy/k8s/validate" "the Kubernetes manifest validator"
}

install_npm_folder() {
  local web=$1 what=$2
  if [ -f "$web/node_modules/.package-lock.json" ] && [ "$web/node_modules/.package-lock.json" -nt "$web/package-lock.json" ]; then
    return 0
  fi
  if ! command -v npm > /dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "install-deps: npm is needed for $what; run: sudo apt-get install npm" >&2
      exit 1
    fi
    apt-get install -y -q --no-install-recommends npm || { apt-get update -q && apt-get install -y -q --no-install-recommends npm; }
  fi
  echo "install-deps: installing $what (npm ci in ${web#"$(dirname "$web")/"})"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
}

if [ ${#missing[@]} -eq 0 ]; then
  install_web_assets
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install packages; run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
install_web_assets
