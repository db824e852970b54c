#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the stack or the tests need, only those missing.
# Usage: tools/install-system-deps.sh [nginx] [redis] [postgresql] [node] [chromium] [python-venv] [wrk] [prometheus]
set -euo pipefail

want=()
for item in "$@"; do
  case "$item" in
    nginx)       command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || want+=(nginx-light) ;;
    redis)       command -v redis-server >/dev/null || want+=(redis-server) ;;
    postgresql)  command -v pg_lsclusters >/dev/null || want+=(postgresql) ;;
    node)        command -v node >/dev/null && command -v npm >/dev/null || want+=(nodejs npm) ;;
    # Debian's Chromium for the browser tests (Playwright drives it; no browser download). Liberation gives
    # pages the metric-compatible Arial/Times/Courier, DejaVu the fallback for everything else.
    chromium)    command -v chromium >/dev/null || want+=(chromium fonts-liberation fonts-dejavu-core) ;;
    python-venv) python3 -c 'import ensurepip, venv' 2>/dev/null || want+=(python3-venv) ;;
    wrk)         command -v wrk >/dev/null || want+=(wrk) ;;
    # Debian's docker-compose 1.29: `docker-compose config` validates docker-compose.yml without an engine.
    docker-compose) command -v docker-compose >/dev/null || want+=(docker-compose) ;;
    # Debian's Prometheus with promtool, for `make up MONITORING=1` and the monitoring tests.
    prometheus)  command -v prometheus >/dev/null && command -v promtool >/dev/null || want+=(prometheus) ;;
    *) echo "unknown dependency: $item" >&2; exit 2 ;;
  esac
done

[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${want[*]}; install them (as root: apt-get install ${want[*]})" >&2
  exit 1
fi
echo "==> installing ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps the packages from starting their own daemons: the stack starts what it needs.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
