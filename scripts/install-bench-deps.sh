#!/usr/bin/env bash
# Debian packages bench/site_read.py needs to measure WordPress beside Rongmei (issue 12):
# WordPress 6 as Debian ships it, served by nginx and php-fpm (with opcache, which php-fpm pulls
# in), php-mysql for the MariaDB database, php-mbstring (WordPress falls back to slower PHP
# versions of the mb_* functions without it) and the default theme of that WordPress
# (twentytwentythree, only a recommendation of the wordpress package). "php" is named so that
# apt satisfies WordPress's "libapache2-mod-php | php" with php-fpm instead of pulling in Apache.
#
# The bench writes its own nginx and php-fpm configuration and starts both as its own child
# processes; it does not use (or need) the system services these packages install. Not part of
# install-system-deps.sh: the tests do not need any of this.
#
# Installed only when missing; needs root or sudo. Without apt-get it says so and exits 0 (the
# bench then skips WordPress).
set -euo pipefail
missing=()
for pkg in wordpress wordpress-theme-twentytwentythree nginx php php-fpm php-mysql php-mbstring; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# shellcheck source=scripts/apt-install-missing.sh
source "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing install-bench-deps "bench/site_read.py skips WordPress without them" "${missing[@]}"
