#!/usr/bin/env bash
# Two hubs behind nginx (TLS, X-Forwarded-For) and HAProxy (TLS, PROXY v2) configured as docs/deploy.md says, on
# loopback: a client from 127.0.0.5 or 127.0.0.6 that writes its own "X-Forwarded-For: 6.6.6.6" joins over wss://
# through each, and the hub sees its real address; socket.io's polling handshake goes through nginx too.
# Usage: behind-proxies.sh PEERLINK_HUB NGINX HAPROXY SOURCE_DIR (CTest runs it when nginx and haproxy are installed)
set -euo pipefail
hub="$1"; nginx="$2"; haproxy="$3"; src="$4"
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "== $f"; cat "$f"; done >&2; exit 1; }
ok() { echo "ok: $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for n in 1 2; do
    "$hub" --port 0 --trusted-proxies "127.0.0.1/32, ::1/128" >"$work/hub$n.log" 2>&1 &
    pids+=($!)
done
ports=()
for n in 1 2; do
    port=""
    for _ in $(seq 100); do
        port="$(grep -o 'ws://127\.0\.0\.1:[0-9]*' "$work/hub$n.log" | head -1 | sed 's/.*://' || true)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || fail "hub $n did not start"
    ports+=("$port")
done
nginx_port="$(free_port)"; haproxy_port="$(free_port)"
cat "$src/tests/data/hub-test.crt" "$src/tests/data/hub-test.key" >"$work/cert.pem"

# The server and upstream blocks of docs/deploy.md, with this test's ports, certificate and scratch paths.
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
    access_log $work/nginx-access.log;
    client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3;
    uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }
    upstream peerlink_hubs {
        ip_hash;
        server 127.0.0.1:${ports[0]} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:${ports[1]} max_fails=3 fail_timeout=10s;
    }
    server {
        listen 127.0.0.1:$nginx_port ssl;
        server_name hub.example.org;
        ssl_certificate     $src/tests/data/hub-test.crt;
        ssl_certificate_key $src/tests/data/hub-test.key;
        ssl_protocols       TLSv1.2 TLSv1.3;
        location / {
            proxy_pass http://peerlink_hubs;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 75s;
            proxy_send_timeout 75s;
            proxy_buffering off;
            client_max_body_size 1m;
        }
    }
}
EOF
cat >"$work/haproxy.cfg" <<EOF
defaults
    mode tcp
    timeout connect 5s
    timeout client  75s
    timeout server  75s
frontend peerlink
    bind 127.0.0.1:$haproxy_port ssl crt $work/cert.pem alpn http/1.1
    default_backend peerlink_hubs
backend peerlink_hubs
    balance source
    server hub1 127.0.0.1:${ports[0]} send-proxy-v2 check
    server hub2 127.0.0.1:${ports[1]} send-proxy-v2 check
EOF
"$nginx" -t -c "$work/nginx.conf" -p "$work" >"$work/nginx-test.log" 2>&1 || fail "nginx -t"
"$haproxy" -c -f "$work/haproxy.cfg" >"$work/haproxy-test.log" 2>&1 || fail "haproxy -c"
"$nginx" -c "$work/nginx.conf" -p "$work" || fail "nginx did not start"
"$haproxy" -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
ok "nginx and haproxy accept the configurations of docs/deploy.md"

# A peer over wss:// from a chosen loopback address, with a spoofed X-Forwarded-For of its own: TLS, the WebSocket
# handshake, join, and the hub's first answer.
cat >"$work/client.py" <<'EOF'
import json, os, socket, ssl, struct, sys
port, local, peer_id = int(sys.argv[1]), sys.argv[2], sys.argv[3]
raw = socket.socket()
raw.settimeout(10)
raw.bind((local, 0))
raw.connect(("127.0.0.1", port))
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(raw, server_hostname="hub.example.org")
s.sendall(b"GET / HTTP/1.1\r\nHost: hub.example.org\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          b"X-Forwarded-For: 6.6.6.6\r\n\r\n")
data = b""
while b"\r\n\r\n" not in data:
    data += s.recv(4096)
head, data = data.split(b"\r\n\r\n", 1)
if not head.startswith(b"HTTP/1.1 101"):
    sys.exit("no upgrade: " + head.decode(errors="replace"))
payload = json.dumps({"type": "join", "id": peer_id}).encode()
mask = os.urandom(4)
s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
while len(data) < 4:
    data += s.recv(4096)
length, at = data[1] & 0x7F, 2
if length == 126:
    length, at = struct.unpack(">H", data[2:4])[0], 4
while len(data) < at + length:
    data += s.recv(4096)
print(json.loads(data[at:at + length])["type"])
EOF
join() { # PORT LOCAL ID: joined, and a hub logged the real address
    local answer
    answer="$(python3 "$work/client.py" "$1" "$2" "$3")" || fail "$3 could not join through port $1"
    [ "$answer" = welcome ] || fail "$3 got $answer"
    for _ in $(seq 50); do
        grep -qh "peer joined: $3 from $2" "$work"/hub1.log "$work"/hub2.log && return 0
        sleep 0.1
    done
    fail "no hub saw $3 from $2"
}
join "$nginx_port" 127.0.0.5 via-nginx
ok "through nginx (X-Forwarded-For): the hub saw 127.0.0.5, not the client's own 6.6.6.6 nor nginx's 127.0.0.1"
join "$haproxy_port" 127.0.0.6 via-haproxy
ok "through HAProxy (PROXY v2): the hub saw 127.0.0.6 and its port; the client's own X-Forwarded-For was not read"
open="$(curl -sk --interface 127.0.0.7 "https://127.0.0.1:$nginx_port/socket.io/?EIO=4&transport=polling")"
[[ "$open" == 0{* ]] || fail "socket.io's polling handshake through nginx: $open"
ok "socket.io's polling handshake through nginx"
echo "3 passed, 0 failed"
