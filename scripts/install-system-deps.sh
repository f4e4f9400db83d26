#!/usr/bin/env bash
# Installs the Debian packages the integration tests need, when they are missing and we are root.
set -euo pipefail

missing=()
have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; }
have_postgres || missing+=(postgresql)
# The email bot's IMAP tests run a throwaway Dovecot.
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
# The tests through a connection pooler in transaction mode run a throwaway PgBouncer.
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
# The SQL source's tests run a throwaway MariaDB as the mysql user.
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
# The alert rules are checked and unit-tested with promtool (it comes with Debian's prometheus).
command -v promtool >/dev/null || missing+=(prometheus)
# The portal's browser tests and PDF rendering (WeasyPrint needs Pango and a font).
for package in chromium fonts-dejavu-core poppler-utils libpango-1.0-0 libpangoft2-1.0-0; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: the integration tests need these Debian packages: ${missing[*]}" >&2
  echo "      install them with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "installing ${missing[*]} for the integration tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
