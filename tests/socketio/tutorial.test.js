'use strict';
// Issue 18, "Done when": the tutorial's two peers on socket.io-client 4 against peerlink-hub --port 0, with a native
// PeerLink peer (peerlink-cli) on the same hub.
//
//   node tutorial.test.js [polling-upgrade|websocket-only]
//
// polling-upgrade: default options (HTTP long-polling first, then the upgrade to WebSocket, asserted);
// websocket-only: transports: ['websocket'].

const assert = require('node:assert/strict');
const h = require('./lib/harness');

const hasNative = process.env.PEERLINK_SIO_TARGET !== 'mapping-server';

async function tutorial(ctx, mode) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const opts = mode === 'websocket-only' ? { transports: ['websocket'] } : undefined;

  // A native PeerLink peer is there first.
  let native;
  if (hasNative) {
    native = await h.startCli(hub.port, 'native');
    ctx.defer(() => native.stop());
  }

  const connectAndJoin = async (id) => {
    const socket = h.sioConnect(hub.url, opts, id);
    ctx.defer(() => socket.disconnect());
    // As the tutorial does: join in the connect handler.
    socket.on('connect', () => socket.emit('join', { id }));
    const [transport] = await socket.events.next('@open');
    await socket.events.next('@connect');
    if (mode === 'websocket-only') {
      assert.equal(transport, 'websocket', `${id} opened over ${transport}`);
    } else {
      assert.equal(transport, 'polling', `${id}: default options open with HTTP long-polling first`);
    }
    const welcome = await socket.events.first('welcome');
    assert.equal(welcome.id, id);
    assert.ok(Array.isArray(welcome.peers), `welcome.peers: ${JSON.stringify(welcome)}`);
    if (mode !== 'websocket-only') {
      const [upgraded] = await socket.events.next('@upgrade');
      assert.equal(upgraded, 'websocket');
      assert.equal(socket.io.engine.transport.name, 'websocket', 'after the upgrade event');
    } else {
      assert.equal(socket.events.seen('@upgrade').length, 0, 'no upgrade on websocket-only');
    }
    return { socket, welcome };
  };

  const node2 = await connectAndJoin('node2');
  if (hasNative) {
    assert.ok(node2.welcome.peers.some((p) => p.id === 'native'), `node2's welcome lists the native peer: ${JSON.stringify(node2.welcome)}`);
    await native.events.next('peer_connect', (e) => e.id === 'node2');
  }
  const node1 = await connectAndJoin('node1');
  assert.ok(node1.welcome.peers.some((p) => p.id === 'node2'), `node1's welcome lists node2: ${JSON.stringify(node1.welcome)}`);

  // node2 hears of node1 (the id as a string), and so does the native peer.
  assert.equal(await node2.socket.events.first('peer_connect', (id) => id === 'node1'), 'node1');
  if (hasNative) await native.events.next('peer_connect', (e) => e.id === 'node1');

  // The tutorial: connect_to_peer('node2'), then send_message('hello world!').
  const send_message = (text) => node1.socket.emit('message', text);
  node1.socket.emit('connect_to_peer', 'node2');
  const asked = await node2.socket.events.first('connect_to_peer');
  assert.equal(asked.from, 'node1', `connect_to_peer at node2: ${JSON.stringify(asked)}`);
  send_message('hello world!');

  const got = await node2.socket.events.first('message', (m) => m && m.text === 'hello world!');
  assert.equal(got.from, 'node1');
  assert.equal(typeof got.ts, 'number');
  assert.ok(Math.abs(got.ts - Date.now()) < 60000, `ts is the hub's time in ms: ${got.ts}`);
  assert.equal(got.to, undefined, `a broadcast carries no "to": ${JSON.stringify(got)}`);

  if (hasNative) {
    const nat = await native.events.first('message', (m) => m.text === 'hello world!');
    assert.equal(nat.from, 'node1');
    assert.equal(nat.to, undefined);
    // The native peer's broadcast reaches both socket.io peers.
    native.send('hello from native');
    for (const n of [node1, node2]) {
      const m = await n.socket.events.first('message', (x) => x && x.text === 'hello from native');
      assert.equal(m.from, 'native');
    }
  } else {
    // Without a native peer: node2 broadcasts back, which node1 gets after anything the hub queued for it before.
    node2.socket.emit('message', 'hello from node2');
    await node1.socket.events.first('message', (x) => x && x.text === 'hello from node2');
  }
  // The hub queued node1's broadcast (had it echoed it) before the later broadcast node1 just got: no echo.
  assert.equal(node1.socket.events.seen('message', (m) => m && m.text === 'hello world!').length, 0,
    `node1 got its own broadcast back: ${node1.socket.events.describe()}`);

  // node1 disconnects: node2 (and the native peer) hear it at once.
  node1.socket.disconnect();
  assert.equal(await node2.socket.events.first('peer_disconnect', (id) => id === 'node1', 10000), 'node1');
  if (hasNative) await native.events.next('peer_disconnect', (e) => e.id === 'node1', 10000);
  assert.equal(node2.socket.connected, true, 'node2 still connected');
  // The tutorial's peers get no error events (a socket.io server gives them none for any of the above).
  assert.equal(node2.socket.events.seen('error').length, 0, `node2 got errors: ${node2.socket.events.describe()}`);
  assert.equal(node1.socket.events.seen('error').length, 0, `node1 got errors: ${node1.socket.events.describe()}`);
  // Events carry the native object minus "type": message {from, text, ts, to?, mid?}, connect_to_peer {from}...
  assert.deepEqual([...h.eventsWithType(node1.socket.events), ...h.eventsWithType(node2.socket.events)], [],
    'event arguments that still carry the native "type"');
}

const which = process.argv[2];
const cases = [
  { name: 'polling-upgrade: the tutorial with default options (polling, then WebSocket)', fn: (ctx) => tutorial(ctx, 'polling-upgrade') },
  { name: 'websocket-only: the tutorial with transports: [\'websocket\']', fn: (ctx) => tutorial(ctx, 'websocket-only') },
];
h.run(which ? cases.filter((c) => c.name.startsWith(which)) : cases);
