'use strict';
// The original tutorial's hub on socket.io 4, written as a socket.io user would write it, limited to the websocket
// transport. A reference for benchmarks (issue 7), not a product.
//
//   node socketio-hub.js PORT [REDIS_URL]   listens on 127.0.0.1:PORT (0: any free port), prints "listening PORT"
//                                           when ready
//
// With a Redis URL (the argument, or the environment variable SOCKETIO_HUB_REDIS), several of these hubs form one
// cluster the way socket.io's documentation says: @socket.io/redis-adapter with a pub and a sub client of node-redis 4
// (issue 19's cluster benchmark). Emits to a socket id or a room then reach the sockets of every hub; the hubs tell
// each other who joined and left with io.serverSideEmit, so that welcome, id_taken and `to` know the peers of every
// hub (a hub started after peers joined elsewhere learns only of later joins: enough for the benchmark, which starts
// every hub first). Without a Redis URL nothing changes: one hub, socket.io's in-memory adapter.
//
// Events (every payload is an object):
//   client -> hub  join {id, name?}           hub -> client  welcome {id, peers: [{id, name?}]}, or error {code}
//   client -> hub  message {text, to?, mid?}  hub -> others  message {from, to?, text, ts}; sender gets ack {mid}
//   client -> hub  connect_to_peer {peer}     hub -> peer    connect_to_peer {from}
//   client -> hub  leave                      hub -> others  peer_connect {id} / peer_disconnect {id}
//   client -> hub  join_room ROOM (ack)        joins the socket.io room (issue 17's room fan-out bench)
//   client -> hub  room_message {room, text}   hub -> the room's others  room_message {room, from, text, ts}
// Wire (Engine.IO 4 over WebSocket at /socket.io/?EIO=4&transport=websocket): the hub opens with
// 0{"sid":..,"upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":..}, the client sends 40, the hub
// answers 40{"sid":..}; events are 42["event",{...}]; the hub pings with 2 and the client must answer 3.

const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node socketio-hub.js PORT [REDIS_URL]');
  process.exit(2);
}
const redisUrl = process.argv[3] || process.env.SOCKETIO_HUB_REDIS || '';

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024 * 1024, // the default 1 MB would cut 1 MiB messages
});

/** peer id -> socket.id of every joined peer */
const peers = new Map();
/** Cluster mode: peer id -> {sid, name} of the peers of the other hubs */
const remote = new Map();
const clustered = redisUrl !== '';
const sidOf = (id) => peers.get(id) ?? remote.get(id)?.sid;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNonEmptyString = (v) => typeof v === 'string' && v.length > 0;

io.on('connection', (socket) => {
  socket.on('join', (data) => {
    if (!isObject(data) || !isNonEmptyString(data.id)) {
      return socket.emit('error', { code: 'bad_message', message: 'join needs an id' });
    }
    if (socket.data.id !== undefined) {
      return socket.emit('error', { code: 'already_joined', message: 'already joined' });
    }
    const { id } = data;
    if (peers.has(id) || remote.has(id)) {
      return socket.emit('error', { code: 'id_taken', message: `id ${id} is taken` });
    }
    const name = typeof data.name === 'string' && data.name ? data.name : undefined;

    const others = [];
    for (const [otherId, otherSid] of peers) {
      const otherName = io.sockets.sockets.get(otherSid)?.data.name;
      others.push(otherName ? { id: otherId, name: otherName } : { id: otherId });
    }
    for (const [otherId, other] of remote) others.push(other.name ? { id: otherId, name: other.name } : { id: otherId });
    socket.data.id = id;
    socket.data.name = name;
    peers.set(id, socket.id);
    if (clustered) io.serverSideEmit('peer_join', id, socket.id, name ?? null);

    // Presence and broadcasts go to the joined peers only (a room), not to sockets still to join: their welcome
    // lists everyone already, and the same rule holds on every server the load generator drives.
    socket.join('peers');
    socket.emit('welcome', { id, peers: others });
    socket.to('peers').emit('peer_connect', name ? { id, name } : { id });
  });

  socket.on('message', (data) => {
    const from = socket.data.id;
    if (from === undefined) return socket.emit('error', { code: 'not_joined', message: 'join first' });
    if (!isObject(data) || typeof data.text !== 'string') {
      return socket.emit('error', { code: 'bad_message', message: 'message needs a text' });
    }
    const { to, text, mid } = data;
    if (to !== undefined && to !== null) {
      const target = sidOf(to);
      if (target === undefined) {
        return socket.emit('error', { code: 'peer_unavailable', message: `${to} is not here`, ref: to });
      }
      socket.to(target).emit('message', { from, to, text, ts: Date.now() });
    } else {
      socket.to('peers').emit('message', { from, text, ts: Date.now() });
    }
    if (mid !== undefined && mid !== null) socket.emit('ack', { mid });
  });

  socket.on('connect_to_peer', (data) => {
    const from = socket.data.id;
    if (from === undefined) return socket.emit('error', { code: 'not_joined', message: 'join first' });
    const target = isObject(data) ? sidOf(data.peer) : undefined;
    if (target === undefined) {
      return socket.emit('error', { code: 'peer_unavailable', message: 'no such peer', ref: isObject(data) ? data.peer : undefined });
    }
    socket.to(target).emit('connect_to_peer', { from });
  });

  const leave = () => {
    const id = socket.data.id;
    if (id === undefined) return;
    socket.data.id = undefined;
    if (peers.get(id) !== socket.id) return;
    peers.delete(id);
    if (clustered) io.serverSideEmit('peer_leave', id, socket.id);
    socket.leave('peers');
    socket.to('peers').emit('peer_disconnect', { id });
  };

  // Rooms (issue 17's fan-out bench), the idiomatic socket.io way: socket.join(room), socket.to(room).emit(...).
  socket.on('join_room', (room, ack) => {
    if (socket.data.id === undefined) return typeof ack === 'function' && ack({ code: 'not_joined' });
    if (!isNonEmptyString(room)) return typeof ack === 'function' && ack({ code: 'bad_message' });
    socket.join(`room:${room}`);
    if (typeof ack === 'function') ack({ ok: true });
  });

  socket.on('room_message', (data, ack) => {
    const from = socket.data.id;
    if (from === undefined) return typeof ack === 'function' && ack({ code: 'not_joined' });
    if (!isObject(data) || !isNonEmptyString(data.room) || typeof data.text !== 'string') {
      return typeof ack === 'function' && ack({ code: 'bad_message' });
    }
    const room = `room:${data.room}`;
    if (!socket.rooms.has(room)) return typeof ack === 'function' && ack({ code: 'room_denied' });
    socket.to(room).emit('room_message', { room: data.room, from, text: data.text, ts: Date.now() });
    if (typeof ack === 'function') ack({ ok: true });
  });

  socket.on('leave', () => {
    leave();
    socket.disconnect(true);
  });

  socket.on('disconnect', leave);
});

httpServer.on('error', (err) => {
  console.error(err.message);
  process.exit(1);
});

const listen = () => httpServer.listen(port, '127.0.0.1', () => {
  console.log(`listening ${httpServer.address().port}`);
});

if (!clustered) {
  listen();
} else {
  // The adapter's README, "With the `redis` package": a pub client and its duplicate to subscribe.
  const { createClient } = require('redis');
  const { createAdapter } = require('@socket.io/redis-adapter');
  const pubClient = createClient({ url: redisUrl });
  const subClient = pubClient.duplicate();
  for (const c of [pubClient, subClient]) c.on('error', (err) => console.error(`redis: ${err.message}`));
  Promise.all([pubClient.connect(), subClient.connect()]).then(() => {
    io.adapter(createAdapter(pubClient, subClient));
    io.on('peer_join', (id, sid, name) => {
      if (!peers.has(id)) remote.set(id, name ? { sid, name } : { sid });
    });
    io.on('peer_leave', (id, sid) => {
      if (remote.get(id)?.sid === sid) remote.delete(id);
    });
    listen();
  }, (err) => {
    console.error(`redis: ${err.message}`);
    process.exit(1);
  });
}
