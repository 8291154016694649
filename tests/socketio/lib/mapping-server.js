'use strict';
// The socket.io mapping (docs/protocol.md, "socket.io peers") written on socket.io's own server: a check of
// the tests themselves, not a product. With PEERLINK_SIO_TARGET=mapping-server the harness starts this instead of
// peerlink-hub, so the socket.io-only cases can be run and debugged against socket.io's behaviour (the cases with a
// native PeerLink peer cannot pass here).
//
//   node mapping-server.js [--port N] [--max-connections-per-address N] [other hub options ignored]

const http = require('node:http');
const { Server } = require('socket.io');

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const port = Number(opt('--port', 0));
const perAddress = Number(opt('--max-connections-per-address', 32));

const httpServer = http.createServer();
const io = new Server(httpServer, {
  serveClient: false,
  pingInterval: Number(opt('--ping-interval', 25)) * 1000,
  pingTimeout: Number(opt('--ping-timeout', 20)) * 1000,
  maxHttpBufferSize: 131072,
});
const peers = new Map(); // id -> socket
const perAddr = new Map();

const errorOf = (code, message, ref) => (ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref });

io.use((socket, next) => {
  const a = socket.handshake.address;
  const n = (perAddr.get(a) || 0) + 1;
  if (perAddress > 0 && n > perAddress) {
    const err = new Error('too many connections from this address');
    err.data = { code: 'hub_full' };
    return next(err);
  }
  perAddr.set(a, n);
  socket.on('disconnect', () => perAddr.set(a, perAddr.get(a) - 1));
  next();
});

io.on('connection', (socket) => {
  const answer = (cb, obj, event) => {
    if (typeof cb === 'function') return cb(obj);
    const { type, ...rest } = obj;
    if (event) socket.emit(event, rest);
    else if (type === 'error') socket.emit('error', rest);
  };
  socket.on('join', (data, cb) => {
    const id = typeof data === 'string' ? data : data && data.id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) return answer(cb, errorOf('bad_message', 'bad id'));
    if (socket.data.id) return answer(cb, errorOf('already_joined', 'already joined'));
    if (peers.has(id)) return answer(cb, errorOf('id_taken', `id ${id} is taken`, id));
    const others = [...peers.keys()].map((p) => ({ id: p }));
    socket.data.id = id;
    peers.set(id, socket);
    socket.join('peers');
    answer(cb, { type: 'welcome', id, peers: others, hub: 'mapping-server', version: 'peerlink/1', resume: 'x', limits: {} }, 'welcome');
    socket.to('peers').emit('peer_connect', id);
  });
  socket.on('message', (data, cb) => {
    const from = socket.data.id;
    if (!from) return answer(cb, errorOf('not_joined', 'join first'));
    const m = typeof data === 'string' ? { text: data } : data;
    if (!m || typeof m.text !== 'string') return answer(cb, errorOf('bad_message', 'message needs a text'));
    const mid = m.mid ?? `h${Date.now()}${Math.random()}`;
    if (m.to != null) {
      const t = peers.get(m.to);
      if (!t) return answer(cb, errorOf('peer_unavailable', `${m.to} is not here`, m.mid ?? m.to));
      t.emit('message', { from, to: m.to, text: m.text, ts: Date.now(), ...(m.mid ? { mid: m.mid } : {}) });
    } else {
      socket.to('peers').emit('message', { from, text: m.text, ts: Date.now(), ...(m.mid ? { mid: m.mid } : {}) });
    }
    if (typeof cb === 'function') cb({ type: 'ack', mid });
    else if (m.mid) socket.emit('ack', { mid: m.mid });
  });
  socket.on('connect_to_peer', (data, cb) => {
    const from = socket.data.id;
    if (!from) return answer(cb, errorOf('not_joined', 'join first'));
    const peer = typeof data === 'string' ? data : data && data.peer;
    const t = peers.get(peer);
    if (!t) return answer(cb, errorOf('peer_unavailable', 'no such peer', peer));
    t.emit('connect_to_peer', { from });
    if (typeof cb === 'function') cb({ type: 'ok' });
  });
  const leave = () => {
    const id = socket.data.id;
    if (!id || peers.get(id) !== socket) return;
    peers.delete(id);
    socket.data.id = undefined;
    socket.leave('peers');
    io.to('peers').emit('peer_disconnect', id);
  };
  socket.on('leave', (cb) => { leave(); if (typeof cb === 'function') cb({ type: 'ok' }); });
  socket.on('disconnect', leave);
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`PeerLink hub "mapping-server" listening on ws://127.0.0.1:${httpServer.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
