#!/usr/bin/env bash
# docker-compose's "mail" container: Dovecot (both profiles) and Postfix configured by scripts/stack.sh,
# listening on all interfaces of the container so the published loopback ports reach them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STACK_LISTEN=0.0.0.0 bash scripts/stack.sh start
exec tail -F "$STACK_DIR"/dovecot/*/dovecot.log "$STACK_DIR"/postfix/maillog
