#!/usr/bin/env bash
# Makes sure a Redis server answers on the local default port: installs redis-server from Debian's
# packages when it is missing and starts it when nothing answers. Does nothing when REDIS_URL points
# at another host or port (a managed Redis, docker-compose).
set -euo pipefail

url="${REDIS_URL:-redis://127.0.0.1:6379}"
case "$url" in
  redis://127.0.0.1:6379*|redis://localhost:6379*) ;;
  *) exit 0 ;;
esac

answers() {
  (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [[ "$reply" == +PONG* ]]) 2>/dev/null
}

answers && exit 0

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is not installed: installing it from Debian's packages" >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
fi

echo "starting redis-server on 127.0.0.1:6379" >&2
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null

for _ in $(seq 1 50); do
  answers && exit 0
  sleep 0.2
done
echo "redis-server did not answer on 127.0.0.1:6379" >&2
exit 1
