#!/usr/bin/env bash
# Builds the lab's third-party programs from the Go module proxy at the versions pinned in versions.env,
# once per version set and Go version, into a cache outside the repository.
# Prints the bin directory on the last line of stdout. Progress goes to stderr.
# Each binary is cached under its own key (its name, the pins it is built from, the Go version), so adding a
# program to the lab or bumping one pin rebuilds only what changed. A bin directory per version set holds
# links to them. Concurrent-safe (flock) and atomic (each binary is built to a temp name, then renamed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
source "$here/versions.env"

go_version=$(go env GOVERSION)
key=$( { cat "$here/versions.env"; echo "$go_version"; } | sha256sum | cut -c1-16)
cache_root=${FLUX_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flux-reconcile-lab}
bin_dir="$cache_root/$key/bin"
work_root="$cache_root/$key/work"
store="$cache_root/store"
mkdir -p "$bin_dir" "$work_root" "$store"

# One lock per binary (taken in build): a run that needs only cached binaries never waits for another run
# that is building a new one.
exec 9>"$cache_root/$key/lock"
flock 9

export GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOTOOLCHAIN=local
log() { echo "[lab-build] $*" >&2; }

# Copies a module from the proxy into a writable directory and prints that directory.
module_copy() {
  local module=$1 version=$2 dest=$3
  local dir
  dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { log "could not download $module@$version"; exit 1; }
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  cp -r "$dir" "$dest"
  chmod -R u+w "$dest"
}

# build NAME FUNCTION PIN...: runs FUNCTION (which writes $out) unless NAME is already cached for the values
# of the named pins (variables of versions.env) and this Go version; links it into $bin_dir either way.
# A failure is recorded and the other binaries are still built; the script fails at the end.
failed=()
build() {
  local name=$1 fn=$2; shift 2
  local pins="" pin
  for pin in "$@"; do pins="$pins $pin=${!pin:-}"; done
  local stored
  stored="$store/$name-$(echo "$name$pins $go_version $(declare -f "$fn")" | sha256sum | cut -c1-16)"
  local lock_fd
  exec {lock_fd}>"$stored.lock"
  flock "$lock_fd"
  if [ -x "$stored" ]; then
    exec {lock_fd}>&-
    log "$name: cached"
    ln -sfn "$stored" "$bin_dir/$name"
    return
  fi
  local start=$SECONDS status
  log "$name: building..."
  out="$store/.$name.tmp.$$"
  set +e
  ( set -e; "$fn" )
  status=$?
  set -e
  if [ "$status" -ne 0 ] || [ ! -x "$out" ]; then
    rm -f "$out"
    exec {lock_fd}>&-
    log "$name: FAILED after $((SECONDS - start)) s (exit $status)"
    failed+=("$name")
    return
  fi
  mv -f "$out" "$stored"
  exec {lock_fd}>&-
  ln -sfn "$stored" "$bin_dir/$name"
  log "$name: built in $((SECONDS - start)) s ($(du -h "$stored" | cut -f1))"
}

build_etcd() {
  local w="$work_root/etcd"
  rm -rf "$w"; mkdir -p "$w"
  cat >"$w/go.mod" <<MOD
module lab/etcd

go 1.26

require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
MOD
  (cd "$w" && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "-s -w" -o "$out" go.etcd.io/etcd/server/v3)
}

# A program of k8s.io/kubernetes (cmd/NAME), built through a wrapper module that requires k8s.io/kubernetes and
# replaces each of its staging modules (./staging/src/... in its go.mod) with the published v0.<minor>.<patch>.
build_kube_command() {
  local name=$1
  local w="$work_root/$name"
  rm -rf "$w"; mkdir -p "$w"
  local staging_minor="v0.${KUBERNETES_VERSION#1.}"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  {
    echo "module lab/$name"
    echo
    echo "go 1.26"
    echo
    echo "require k8s.io/kubernetes v$KUBERNETES_VERSION"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"$staging_minor"'#p' "$gomod"
    echo ")"
  } >"$w/go.mod"
  # Without these the server reports v0.0.0 and clients' version checks against it fail.
  local v=k8s.io/component-base/version minor
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  local flags="-s -w -X $v.gitVersion=v$KUBERNETES_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor"
  flags="$flags -X k8s.io/client-go/pkg/version.gitVersion=v$KUBERNETES_VERSION"
  (cd "$w" && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "$flags" -o "$out" "k8s.io/kubernetes/cmd/$name")
}
build_kube_apiserver() { build_kube_command kube-apiserver; }
build_kube_controller_manager() { build_kube_command kube-controller-manager; }
build_kube_scheduler() { build_kube_command kube-scheduler; }

# Swaps each dependency the module proxy does not serve (module@version ...) in the module copy at DIR,
# and prints the -mod flag its build then needs (go.sum must take in the replacement).
replace_refused() {
  local dir=$1 replaces=$2 r
  for r in $replaces; do
    log "$(basename "$dir"): replacing ${r%@*} with ${r#*@}"
    (cd "$dir" && go mod edit -replace "${r%@*}=$r")
  done
  [ -z "$replaces" ] || echo "-mod=mod"
}

# A Flux controller: its main package is the module root; its api/ module must sit at ./api.
# Optional replaces (module@version ...) swap a dependency the module proxy does not serve.
build_controller() {
  local name=$1 version=$2 replaces=${3:-}
  local w="$work_root/$name"
  module_copy "github.com/fluxcd/$name" "v$version" "$w"
  module_copy "github.com/fluxcd/$name/api" "v$version" "$w/api"
  local mod_flag
  mod_flag=$(replace_refused "$w" "$replaces")
  (cd "$w" && GOFLAGS="$GOFLAGS $mod_flag" go build -trimpath -ldflags "-s -w" -o "$out" .)
}
build_source_controller() {
  build_controller source-controller "$SOURCE_CONTROLLER_VERSION" "${SOURCE_CONTROLLER_GO_REPLACES:-}"
}
build_kustomize_controller() { build_controller kustomize-controller "$KUSTOMIZE_CONTROLLER_VERSION"; }
build_helm_controller() { build_controller helm-controller "$HELM_CONTROLLER_VERSION"; }
build_notification_controller() { build_controller notification-controller "$NOTIFICATION_CONTROLLER_VERSION"; }

# The Flux Operator needs a newer Go than the machine's: the go command fetches that toolchain from the module
# proxy (GOTOOLCHAIN, this build only). Its web UI (web/dist, built by npm at release time) is embedded but not
# in the module; a placeholder lets it build, and the lab turns the web server off. GOFIPS140 as its Makefile
# sets it: the operator exits at start unless FIPS 140-3 mode is on.
build_flux_operator() {
  export GOTOOLCHAIN=$FLUX_OPERATOR_GO_TOOLCHAIN
  local w="$work_root/flux-operator"
  module_copy github.com/controlplaneio-fluxcd/flux-operator "v$FLUX_OPERATOR_VERSION" "$w"
  mkdir -p "$w/web/dist"
  echo "<!-- placeholder: the web UI is not part of the Go module -->" >"$w/web/dist/index.html"
  local mod_flag
  mod_flag=$(replace_refused "$w" "${FLUX_OPERATOR_GO_REPLACES:-}")
  (cd "$w" && GOFLAGS="$GOFLAGS $mod_flag" GOFIPS140=latest go build -trimpath \
    -ldflags "-s -w -X main.VERSION=$FLUX_OPERATOR_VERSION" -o "$out" ./cmd/operator)
}

# The flux CLI embeds manifests/*.yaml, generated at release time; a placeholder lets it build
# (only `flux install` and `flux bootstrap` lose their manifests, and the lab uses neither).
build_flux() {
  local w="$work_root/flux2"
  module_copy github.com/fluxcd/flux2/v2 "v$FLUX_VERSION" "$w"
  mkdir -p "$w/cmd/flux/manifests"
  echo "# placeholder: release manifests are not part of the Go module" >"$w/cmd/flux/manifests/placeholder.yaml"
  (cd "$w" && go build -trimpath -ldflags "-s -w -X main.VERSION=$FLUX_VERSION" -o "$out" ./cmd/flux)
}

# kwok simulates nodes and the kubelet (pod status, from its Stage configuration) against the lab's API server.
# Its main package is cmd/kwok of the module; its go.mod's go version (1.26.0) is the machine's.
build_kwok() {
  local w="$work_root/kwok"
  module_copy sigs.k8s.io/kwok "v$KWOK_VERSION" "$w"
  (cd "$w" && go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" -o "$out" ./cmd/kwok)
}

# CRDs ship in each controller module under config/crd/bases/.
collect_crds() {
  local crd_dir="$bin_dir/../crds"
  [ -d "$crd_dir" ] && return
  local tmp="$crd_dir.tmp.$$"
  mkdir -p "$tmp"
  local entry module version toolchain dir
  for entry in \
    "github.com/fluxcd/source-controller $SOURCE_CONTROLLER_VERSION local" \
    "github.com/fluxcd/kustomize-controller $KUSTOMIZE_CONTROLLER_VERSION local" \
    "github.com/fluxcd/helm-controller $HELM_CONTROLLER_VERSION local" \
    "github.com/fluxcd/notification-controller $NOTIFICATION_CONTROLLER_VERSION local" \
    "github.com/controlplaneio-fluxcd/flux-operator $FLUX_OPERATOR_VERSION $FLUX_OPERATOR_GO_TOOLCHAIN"; do
    read -r module version toolchain <<<"$entry"
    dir=$(GOTOOLCHAIN=$toolchain go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    cp "$dir"/config/crd/bases/*.yaml "$tmp/"
  done
  chmod -R u+w "$tmp"
  mv "$tmp" "$crd_dir"
}

# Every program of the lab: NAME FUNCTION PIN...
programs=(
  "etcd build_etcd ETCD_VERSION"
  "kube-apiserver build_kube_apiserver KUBERNETES_VERSION"
  "kube-controller-manager build_kube_controller_manager KUBERNETES_VERSION"
  "kube-scheduler build_kube_scheduler KUBERNETES_VERSION"
  "source-controller build_source_controller SOURCE_CONTROLLER_VERSION SOURCE_CONTROLLER_GO_REPLACES"
  "kustomize-controller build_kustomize_controller KUSTOMIZE_CONTROLLER_VERSION"
  "helm-controller build_helm_controller HELM_CONTROLLER_VERSION"
  "notification-controller build_notification_controller NOTIFICATION_CONTROLLER_VERSION"
  "flux-operator build_flux_operator FLUX_OPERATOR_VERSION FLUX_OPERATOR_GO_TOOLCHAIN FLUX_OPERATOR_GO_REPLACES"
  "flux build_flux FLUX_VERSION"
  "kwok build_kwok KWOK_VERSION"
)

total_start=$SECONDS
# Arguments name a subset to build (e.g. while adding a program); none builds them all.
for program in "${programs[@]}"; do
  read -r -a words <<<"$program"
  if [ "$#" -eq 0 ] || [[ " $* " == *" ${words[0]} "* ]]; then build "${words[@]}"; fi
done
collect_crds
if [ "${#failed[@]}" -gt 0 ]; then
  log "could not build: ${failed[*]} (work dirs kept in $work_root)"
  exit 1
fi
rm -rf "$work_root"
log "all binaries ready in $((SECONDS - total_start)) s"
echo "$bin_dir"
