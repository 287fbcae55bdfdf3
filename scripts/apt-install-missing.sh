# Sourced by install-system-deps.sh and install-bench-deps.sh.
# apt_install_missing WHO HINT PACKAGE...: install the given (missing) Debian packages with apt-get,
# through sudo when not root. Without apt-get it says what to install and why (HINT) and returns 0,
# so `make` goes on and what needs the packages is skipped or fails with its own message.
apt_install_missing() {
  local who=$1 hint=$2
  shift 2
  [ $# -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: apt-get not found; install $* yourself ($hint)" >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "$who: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "$@" >/dev/null
}
