#!/usr/bin/env bash
# k8s-bins.sh builds the Kubernetes control plane that pipec's e2e tests run
# against: etcd, kube-apiserver, kube-controller-manager and kubectl, pinned to
# one release, from the Go module proxy alone (no other download works here).
#
# Usage: hack/k8s-bins.sh [--no-kubectl] [--force]
#
#   --no-kubectl  skip kubectl (saves ~30 s); the compiler's e2e tests need it
#   --force       rebuild even when the binaries are present
#
# The binaries go to ${PIPEC_K8S_BIN_DIR:-$HOME/.cache/pipec/k8s-v1.34.4},
# outside the repository: they are ~290 MiB and must never be committed. A run
# that finds them there (and the stamp that records how they were built) does
# nothing, so tests and CI can call this unconditionally.
#
# How: `go install k8s.io/kubernetes/cmd/...@v` fails because k8s.io/kubernetes
# replaces its staging modules with ./staging paths, and only the main
# module's replace and godebug directives count. So we generate a throwaway
# module in a temp dir that requires k8s.io/kubernetes, rewrites every staging
# replace to the published k8s.io/X v0.Y.Z module, and copies k8s' godebug
# line. etcd is built in the same module because k8s already pins the etcd
# server version it is tested with.
#
# Cost on a fresh machine: ~6-10 min, ~740 MB of modules, ~3 GB of build cache
# and ~2 GB of RAM while linking. Afterwards: 0 s.
set -euo pipefail

K8S_VERSION=v1.34.4
# The staging modules are tagged v0.MINOR.PATCH for k8s vMAJOR.MINOR.PATCH.
STAGING_VERSION=v0.${K8S_VERSION#v1.}
# etcd is not chosen here: it is whatever k8s.io/kubernetes pins (3.6.4 for
# 1.34.4); the stamp records the version actually built.
ETCD_MODULE=go.etcd.io/etcd/server/v3

BIN_DIR=${PIPEC_K8S_BIN_DIR:-$HOME/.cache/pipec/k8s-$K8S_VERSION}
STAMP=$BIN_DIR/.built

with_kubectl=1
force=0
for arg in "$@"; do
	case $arg in
	--no-kubectl) with_kubectl=0 ;;
	--force) force=1 ;;
	-h | --help)
		awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
		exit 0
		;;
	*)
		echo "k8s-bins: unknown argument: $arg (try --help)" >&2
		exit 2
		;;
	esac
done

bins=(etcd kube-apiserver kube-controller-manager)
if ((with_kubectl)); then
	bins+=(kubectl)
fi

log() { echo "k8s-bins: $*" >&2; }

# present reports whether every wanted binary was built by this script for
# K8S_VERSION: a half-finished earlier run leaves no stamp line for it.
present() {
	local b
	[[ -f $STAMP ]] || return 1
	for b in "${bins[@]}"; do
		[[ -x $BIN_DIR/$b ]] || return 1
		grep -qx "$b $K8S_VERSION" "$STAMP" || return 1
	done
}

if ((!force)) && present; then
	log "binaries present in $BIN_DIR (${bins[*]}), nothing to do"
	exit 0
fi

command -v go >/dev/null || {
	log "go is not on PATH"
	exit 1
}

mkdir -p "$BIN_DIR"
# Several test packages may start this at the same time: one builds, the
# others wait and then find the binaries present.
exec 9>"$BIN_DIR/.lock"
if ! flock -n 9; then
	log "another build holds $BIN_DIR/.lock, waiting for it"
	flock 9
fi
if ((!force)) && present; then
	log "binaries present in $BIN_DIR (${bins[*]}), nothing to do"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pipec-k8s-bins.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The throwaway module must not see the caller's workspace or toolchain
# switching; CGO is off as in k8s' own release builds of these binaries.
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cd "$work"

start=$SECONDS
log "fetching k8s.io/kubernetes@$K8S_VERSION from the module proxy"
k8s_mod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
	sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
[[ -f $k8s_mod ]] || {
	log "could not find the go.mod of k8s.io/kubernetes@$K8S_VERSION"
	exit 1
}

godebug=$(grep -E '^godebug ' "$k8s_mod" || true)
go_line=$(grep -E '^go [0-9]' "$k8s_mod")
# Every replace in k8s' go.mod points into ./staging; anything else would need
# a human decision, so stop rather than build something different.
replaces=$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/k8s\.io/[^[:space:]]*$#\1 => \1 '"$STAGING_VERSION"'#p' "$k8s_mod")
others=$(sed -n '/^replace (/,/^)/p' "$k8s_mod" | grep '=>' | grep -v '=> \./staging/' || true)
if [[ -n $others ]]; then
	log "unexpected non-staging replace in k8s.io/kubernetes' go.mod:"
	echo "$others" >&2
	exit 1
fi
[[ -n $replaces ]] || {
	log "no staging replaces found in $k8s_mod"
	exit 1
}

tools=(
	k8s.io/kubernetes/cmd/kube-apiserver
	k8s.io/kubernetes/cmd/kube-controller-manager
	"$ETCD_MODULE"
)
if ((with_kubectl)); then
	tools+=(k8s.io/kubernetes/cmd/kubectl)
fi

{
	echo "module pipec.dev/k8s-bins"
	echo
	echo "$go_line"
	echo
	[[ -n $godebug ]] && echo "$godebug" && echo
	echo "require k8s.io/kubernetes $K8S_VERSION"
	echo
	echo "replace ("
	sed 's/^/\t/' <<<"$replaces"
	echo ")"
	echo
	# tool directives make `go mod tidy` resolve exactly what the builds need.
	printf 'tool %s\n' "${tools[@]}"
} >go.mod

log "resolving modules (go mod tidy; ~740 MB on a fresh module cache)"
go mod tidy

etcd_version=$(go list -m -f '{{.Version}}' "$ETCD_MODULE")
log "etcd server module: $ETCD_MODULE $etcd_version"

# Without these -X flags /version reports v0.0.0-master and kubectl warns
# about version skew. buildDate is fixed so that the binaries are
# reproducible.
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$K8S_VERSION"
	ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
	ldflags+=" -X $pkg.gitTreeState=clean"
	ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

mkdir -p out
k8s_pkgs=()
for t in "${tools[@]}"; do
	[[ $t == "$ETCD_MODULE" ]] || k8s_pkgs+=("$t")
done
log "building ${k8s_pkgs[*]##*/} (the slow part: ~5-9 min fresh, ~2 GB RAM in the linker)"
go build -trimpath -ldflags "$ldflags" -o out/ "${k8s_pkgs[@]}"
log "building etcd $etcd_version"
go build -trimpath -ldflags "-s -w" -o out/etcd "$ETCD_MODULE"

# Install each binary atomically (a rename within BIN_DIR), then record it in
# the stamp, so that an interrupted run is redone rather than trusted.
touch "$STAMP"
for b in "${bins[@]}"; do
	cp "out/$b" "$BIN_DIR/.$b.tmp"
	mv -f "$BIN_DIR/.$b.tmp" "$BIN_DIR/$b"
	grep -vx "$b .*" "$STAMP" >"$STAMP.tmp" || true
	echo "$b $K8S_VERSION" >>"$STAMP.tmp"
	mv -f "$STAMP.tmp" "$STAMP"
done
echo "$etcd_version" >"$BIN_DIR/etcd.version"

log "done in $((SECONDS - start)) s: $("$BIN_DIR/kube-apiserver" --version) in $BIN_DIR"
