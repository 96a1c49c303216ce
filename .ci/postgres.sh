#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust
# authentication for user postgres: uses one that runs, else installs
# Debian's postgresql package and starts it.
set -euo pipefail

answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null && answers; then
	echo "postgres: using the server on 127.0.0.1:5432"
	exit 0
fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
	echo "postgres: installing Debian's postgresql package"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
conf=/etc/postgresql/$version/main
if [ ! -d "$conf" ]; then
	pg_createcluster "$version" main >/dev/null
fi
# Tests connect over TCP as postgres without a password, as on the
# development machines.
hba=$conf/pg_hba.conf
if ! grep -q "^host all all 127.0.0.1/32 trust" "$hba"; then
	sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
for _ in $(seq 1 30); do
	answers && { echo "postgres: started $version on 127.0.0.1:5432"; exit 0; }
	sleep 1
done
echo "postgres: the server did not come up" >&2
exit 1
