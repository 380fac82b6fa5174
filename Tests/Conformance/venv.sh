# Sourced by run.sh and clients/run.sh: makes $venv, a virtualenv with the pinned official clients
# (requirements.txt), reused while its pins match. Sets venv_ok=1 on success.
# Env: CONFORMANCE_VENV (default ${TMPDIR:-/tmp}/llmcheck-conformance-venv).
conformance_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${CONFORMANCE_VENV:-${TMPDIR:-/tmp}/llmcheck-conformance-venv}
venv_ok=0
if cmp -s "$conformance_dir/requirements.txt" "$venv/.requirements" 2>/dev/null; then
  venv_ok=1
else
  rm -rf "$venv"
  if python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$conformance_dir/requirements.txt"; then
    cp "$conformance_dir/requirements.txt" "$venv/.requirements"
    venv_ok=1
  fi
fi
