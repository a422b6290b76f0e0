# Sourced by the checks that read truce's output with Python tools from
# PyPI: makes the virtual environment under target/ (installing Debian's
# python3-venv first where it is missing) and sets $venv to it.
venv=target/check-venv
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "missing: python3-venv; install as root: apt-get install python3-venv" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
