'use strict';
// The tutorial's hub written on `ws`, the way a ws user would write it, speaking PeerLink's JSON protocol
// (docs/protocol.md, core part) so that the benchmark's load generator drives it exactly like the PeerLink hub.
// A reference for benchmarks (issue 7), not a product: no limits, no authentication, no resume, no rate limits.
//
//   node ws-hub.js PORT        listens on 127.0.0.1:PORT (0: any free port), prints "listening PORT" when ready
//
// Idiomatic choices: one JSON.parse per message, one JSON.stringify per outgoing object (a broadcast is stringified
// once and the same string sent to every recipient), compression off, heartbeat as in ws's README.

const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node ws-hub.js PORT');
  process.exit(2);
}

const HUB_NAME = 'ws reference';
const VERSION = 'peerlink/1';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  perMessageDeflate: false,
  maxPayload: 64 * 1024 * 1024,
});

/** id -> ws of every joined peer */
const peers = new Map();

function send(ws, obj) {
  ws.send(JSON.stringify(obj));
}

function sendError(ws, code, message, ref) {
  const err = { type: 'error', code, message };
  if (ref !== undefined) err.ref = ref;
  send(ws, err);
}

/** Sends one already-stringified object to every joined peer but `except`. */
function broadcast(data, except) {
  for (const other of peers.values()) {
    if (other !== except) other.send(data);
  }
}

function leave(ws) {
  const id = ws.peerId;
  if (id === undefined) return;
  ws.peerId = undefined;
  if (peers.get(id) !== ws) return;
  peers.delete(id);
  broadcast(JSON.stringify({ type: 'peer_disconnect', id }), ws);
}

function isNonEmptyString(v) {
  return typeof v === 'string' && v.length > 0;
}

function onJoin(ws, msg) {
  if (ws.peerId !== undefined) return sendError(ws, 'already_joined', 'already joined', 'join');
  const { id, name } = msg;
  if (!isNonEmptyString(id)) return sendError(ws, 'invalid_id', 'join needs a string id', 'join');
  if (name !== undefined && name !== null && typeof name !== 'string') {
    return sendError(ws, 'bad_message', 'name must be a string', 'join');
  }
  if (peers.has(id)) return sendError(ws, 'id_taken', `id ${id} is taken`, 'join');

  const others = [];
  for (const [otherId, other] of peers) {
    others.push(other.peerName ? { id: otherId, name: other.peerName } : { id: otherId });
  }
  ws.peerId = id;
  ws.peerName = name || undefined;
  peers.set(id, ws);

  send(ws, { type: 'welcome', id, peers: others, hub: HUB_NAME, version: VERSION });
  const announce = ws.peerName ? { type: 'peer_connect', id, name: ws.peerName } : { type: 'peer_connect', id };
  broadcast(JSON.stringify(announce), ws);
}

function onMessage(ws, msg) {
  const { text, to, mid } = msg;
  const hasMid = mid !== undefined && mid !== null;
  const ref = hasMid ? mid : 'message';
  if (typeof text !== 'string') return sendError(ws, 'bad_message', 'message needs a string text', ref);
  if (hasMid && typeof mid !== 'string') return sendError(ws, 'bad_message', 'mid must be a string', 'message');
  if (to !== undefined && to !== null && typeof to !== 'string') {
    return sendError(ws, 'bad_message', 'to must be a string', ref);
  }

  const out = { type: 'message', from: ws.peerId, text };
  if (to != null) out.to = to;
  if (hasMid) out.mid = mid;
  out.ts = Date.now();

  if (to != null) {
    const target = peers.get(to);
    if (!target) return sendError(ws, 'peer_unavailable', `${to} is not here`, ref);
    send(target, out);
  } else {
    broadcast(JSON.stringify(out), ws);
  }
  if (hasMid) send(ws, { type: 'ack', mid });
}

function onConnectToPeer(ws, msg) {
  const { peer } = msg;
  if (typeof peer !== 'string') return sendError(ws, 'bad_message', 'connect_to_peer needs a peer', 'connect_to_peer');
  const target = peers.get(peer);
  if (!target) return sendError(ws, 'peer_unavailable', `${peer} is not here`, 'connect_to_peer');
  send(target, { type: 'connect_to_peer', from: ws.peerId });
}

function heartbeat() {
  this.isAlive = true;
}

wss.on('connection', function connection(ws) {
  ws.isAlive = true;
  ws.on('error', console.error);
  ws.on('pong', heartbeat);

  ws.on('message', function message(data, isBinary) {
    if (isBinary) return sendError(ws, 'bad_message', 'binary frames are not accepted');
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return sendError(ws, 'bad_json', 'not valid JSON');
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.type !== 'string') {
      return sendError(ws, 'bad_message', 'expected an object with a string type');
    }
    if (msg.type === 'join') return onJoin(ws, msg);
    if (ws.peerId === undefined) return sendError(ws, 'not_joined', 'join first', msg.type);
    switch (msg.type) {
      case 'message':
        return onMessage(ws, msg);
      case 'connect_to_peer':
        return onConnectToPeer(ws, msg);
      case 'leave':
        leave(ws);
        return ws.close(1000);
      default:
        return sendError(ws, 'unknown_type', `unknown type ${msg.type}`, msg.type);
    }
  });

  ws.on('close', function close() {
    leave(ws);
  });
});

// How to detect and close broken connections (ws README), every 25 s like PeerLink's hub.
const interval = setInterval(function ping() {
  wss.clients.forEach(function each(ws) {
    if (ws.isAlive === false) return ws.terminate();

    ws.isAlive = false;
    ws.ping();
  });
}, 25000);

wss.on('close', function close() {
  clearInterval(interval);
});

wss.on('listening', () => {
  console.log(`listening ${wss.address().port}`);
});

wss.on('error', (err) => {
  console.error(err.message);
  process.exit(1);
});
