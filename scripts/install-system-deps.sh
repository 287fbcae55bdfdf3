#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for the browser tests, CJK fonts so Chinese
# renders in screenshots and report PDFs, gettext for the catalogue tests, Pango/HarfBuzz for
# WeasyPrint. Installed only when missing; needs root (as on CI) or sudo.
#
# With the argument "runtime" (what `make demo` uses) only what the running system needs: the
# fonts and the libraries of WeasyPrint, not the test tools.
set -euo pipefail
missing=()
if [ "${1:-}" != "runtime" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # GNU gettext: the translation tests re-run makemessages and msgfmt --check (skipped without it).
  command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
  # wrk: the load generator of bench/site_read.py (64 connections from a C process, so the
  # generator does not eat the CPU it measures).
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  # LDAP sign-in (rongmei.sso): python-ldap, under django-auth-ldap, compiles against OpenLDAP's
  # headers, and the tests start their own slapd (OpenLDAP's server) on a free port.
  for pkg in libldap2-dev libsasl2-dev slapd ldap-utils; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
# WeasyPrint (舆情报告 PDFs) loads Pango, HarfBuzz (with its subsetter) and fontconfig at run time;
# Chinese in the PDF comes from fonts-noto-cjk above.
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# shellcheck source=scripts/apt-install-missing.sh
source "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing install-system-deps "browser tests will be skipped, report PDF tests will fail" "${missing[@]}"
