#!/usr/bin/env bash
# Set up a fresh Debian machine: LibreOffice headless (the independent engine
# the tests and the audit recalculate with) and this package with its test, bench and
# in-process engine (audit --engine ironcalc|formualizer) extras.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1 || [ ! -e /usr/lib/python3/dist-packages/uno.py ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        libreoffice-calc-nogui python3-uno poppler-utils >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test,bench,engines]'
