#!/usr/bin/env bash
# Makes sure the services the integration tests talk to are running on this machine, starting
# only those that do not answer yet (running it twice is harmless):
#   Redis      127.0.0.1:6379   (Debian package redis-server)
#   RabbitMQ   127.0.0.1:5672   (Debian package rabbitmq-server)
#   MongoDB    127.0.0.1:27018  (wire-compatible test server: PyPI SecantusDB, a pre-release)
#   S3         127.0.0.1:9000   (PyPI moto[server])
# and Razorpay's Python client (PyPI razorpay), which the payment tests check signatures with,
# and Twilio's (PyPI twilio), which the voice call tests check request signatures with.
# Installs what is missing with apt-get and pip. State and logs go to
# ${BOTWOT_SERVICES_DIR:-/tmp/botwot-services}. Exits non-zero, naming the service, when one does
# not come up in time.
set -euo pipefail

SERVICES_DIR="${BOTWOT_SERVICES_DIR:-/tmp/botwot-services}"
WAIT_SECONDS="${BOTWOT_SERVICES_WAIT:-90}"
mkdir -p "$SERVICES_DIR"

log() { echo "test-services: $*" >&2; }

# Whether something accepts TCP connections on host:port.
answers() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

wait_for() {
  local name=$1 host=$2 port=$3 waited=0
  until answers "$host" "$port"; do
    if (( waited >= WAIT_SECONDS )); then
      log "$name did not answer on $host:$port after ${WAIT_SECONDS}s (logs in $SERVICES_DIR)"
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "$name answers on $host:$port"
}

APT_UPDATED=0
apt_install() {
  if (( APT_UPDATED == 0 )); then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pip_install() {
  if command -v pip >/dev/null 2>&1; then
    pip install --quiet "$@"
  else
    python3 -m pip install --quiet "$@"
  fi
  # pyenv puts new console scripts on the PATH only after a rehash.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
  hash -r
}

# Runs a command in the background, detached from this shell, logging to $SERVICES_DIR/$name.log.
start_background() {
  local name=$1
  shift
  log "starting $name"
  nohup setsid "$@" >"$SERVICES_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$SERVICES_DIR/$name.pid"
}

ensure_redis() {
  answers 127.0.0.1 6379 && { log "redis already answers"; return; }
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  log "starting redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --logfile "$SERVICES_DIR/redis.log"
}

ensure_rabbitmq() {
  answers 127.0.0.1 5672 && { log "rabbitmq already answers"; return; }
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  log "starting rabbitmq"
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 rabbitmq-server -detached
}

# Seconds 20 upserts take on the MongoDB test server (pymongo comes with SecantusDB). A fresh
# server takes about 0.05 s; one that has served many test runs has been measured at 20-50 s,
# slow enough to fail tests that wait for webhooks (docs/benchmarks.md, Chaos).
mongo_write_seconds() {
  python3 - <<'PY' 2>/dev/null || echo 999
import time, pymongo
client = pymongo.MongoClient("mongodb://127.0.0.1:27018", serverSelectionTimeoutMS=3000)
probe = client["botwot_services_probe"]["probe"]
started = time.time()
for i in range(20):
    probe.replace_one({"_id": i}, {"_id": i}, upsert=True)
print(round(time.time() - started, 2))
client.drop_database("botwot_services_probe")
PY
}

ensure_mongo() {
  if answers 127.0.0.1 27018; then
    local seconds
    seconds=$(mongo_write_seconds)
    if python3 -c "import sys; sys.exit(0 if float('$seconds') < 2 else 1)"; then
      log "mongodb test server already answers (20 writes in ${seconds}s)"
      return
    fi
    # Only the test stand-in is ever restarted, never a real MongoDB: it is ours, on its port.
    log "mongodb test server took ${seconds}s for 20 writes; restarting it on an empty directory"
    pkill -f "secantusd-py --host 127.0.0.1 --port 27018" || true
    for _ in $(seq 1 30); do answers 127.0.0.1 27018 || break; sleep 1; done
    rm -rf "$SERVICES_DIR/secantus-data"
  fi
  command -v secantusd-py >/dev/null 2>&1 || pip_install --pre SecantusDB
  mkdir -p "$SERVICES_DIR/secantus-data"
  start_background secantus secantusd-py --host 127.0.0.1 --port 27018 \
    --storage-path "$SERVICES_DIR/secantus-data"
}

ensure_s3() {
  answers 127.0.0.1 9000 && { log "s3 test server already answers"; return; }
  command -v moto_server >/dev/null 2>&1 || pip_install "moto[server]"
  start_background moto moto_server -H 127.0.0.1 -p 9000
}

# Razorpay's own Python client: the payment tests check their signatures with it.
ensure_razorpay_client() {
  python3 -c "import razorpay" 2>/dev/null && return
  log "installing the razorpay Python client (for the payment tests)"
  pip_install razorpay
}

# Twilio's own Python client: the voice call tests check request signatures with it.
ensure_twilio_client() {
  python3 -c "import twilio" 2>/dev/null && return
  log "installing the twilio Python client (for the voice call tests)"
  pip_install twilio
}

ensure_redis
ensure_rabbitmq
ensure_mongo
ensure_s3
ensure_razorpay_client
ensure_twilio_client

wait_for redis 127.0.0.1 6379
wait_for rabbitmq 127.0.0.1 5672
wait_for "mongodb test server (secantus)" 127.0.0.1 27018
wait_for "s3 test server (moto)" 127.0.0.1 9000
