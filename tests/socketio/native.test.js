'use strict';
// A socket.io peer and a native PeerLink peer (peerlink-cli) on one hub: presence and messages both ways, direct
// ({to, text} / CLI "/to") and broadcast; a third peer (socket.io) must not see the direct messages; a direct link
// the native peer asks for is declined by the hub on the socket.io peer's behalf.

const assert = require('node:assert/strict');
const h = require('./lib/harness');

async function joined(ctx, hub, id, opts) {
  const socket = h.sioConnect(hub.url, opts, id);
  ctx.defer(() => socket.disconnect());
  socket.on('connect', () => socket.emit('join', { id }));
  const welcome = await socket.events.first('welcome');
  assert.equal(welcome.id, id);
  return { socket, welcome };
}

async function bothWays(ctx, opts) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const native = await h.startCli(hub.port, 'native');
  ctx.defer(() => native.stop());

  const sio = await joined(ctx, hub, 'sio', opts);
  assert.ok(sio.welcome.peers.some((p) => p.id === 'native'), `welcome: ${JSON.stringify(sio.welcome)}`);
  await native.events.next('peer_connect', (e) => e.id === 'sio');
  const other = await joined(ctx, hub, 'other', opts);
  await sio.socket.events.next('peer_connect', (id) => id === 'other');
  await native.events.next('peer_connect', (e) => e.id === 'other');

  // socket.io -> native, direct.
  sio.socket.emit('message', { to: 'native', text: 'direct to native' });
  const d1 = await native.events.first('message', (m) => m.text === 'direct to native');
  assert.equal(d1.from, 'sio');
  assert.equal(d1.to, 'native');
  // socket.io -> everyone, a plain string as the tutorial sends it.
  sio.socket.emit('message', 'broadcast from sio');
  const b1 = await native.events.first('message', (m) => m.text === 'broadcast from sio');
  assert.equal(b1.from, 'sio');
  assert.equal(b1.to, undefined);
  assert.equal((await other.socket.events.first('message', (m) => m.text === 'broadcast from sio')).from, 'sio');
  // The direct message went before the broadcast on sio's connection, so "other" would have it by now.
  assert.equal(other.socket.events.seen('message', (m) => m.text === 'direct to native').length, 0,
    'a third peer got the direct message to native');

  // native -> socket.io, direct.
  native.send('/to sio direct to sio');
  const d2 = await sio.socket.events.first('message', (m) => m && m.text === 'direct to sio');
  assert.equal(d2.from, 'native');
  assert.equal(d2.to, 'sio');
  assert.equal(typeof d2.ts, 'number');
  // native -> everyone.
  native.send('broadcast from native');
  for (const p of [sio, other]) {
    const b2 = await p.socket.events.first('message', (m) => m && m.text === 'broadcast from native');
    assert.equal(b2.from, 'native');
    assert.equal(b2.to, undefined);
  }
  assert.equal(other.socket.events.seen('message', (m) => m.text === 'direct to sio').length, 0,
    'a third peer got the direct message to sio');
  assert.equal(sio.socket.events.seen('error').length, 0, `sio got errors: ${sio.socket.events.describe()}`);
  assert.equal(native.events.seen('error').length, 0, `native got errors: ${native.events.describe()}`);

  // The native peer asks for a direct link: the socket.io peer hears of it, the hub declines on its behalf
  // (connect_declined, ref = the socket.io peer), and messages stay relayed.
  native.send('/connect sio');
  const asked = await sio.socket.events.first('connect_to_peer');
  assert.equal(asked.from, 'native');
  const declined = await native.events.first('error', (e) => e.code === 'connect_declined');
  assert.equal(declined.ref, 'sio', JSON.stringify(declined));
  await native.events.next('path', (e) => e.peer === 'sio' && e.path === 'relayed');
  native.send('/to sio after the decline');
  assert.equal((await sio.socket.events.first('message', (m) => m && m.text === 'after the decline')).from, 'native');
  assert.equal(native.events.seen('error', (e) => e.code !== 'connect_declined').length, 0, native.events.describe());

  // The native peer leaves: the socket.io peers hear it.
  await native.stop();
  assert.equal(await sio.socket.events.first('peer_disconnect', (id) => id === 'native'), 'native');
}

h.run([
  { name: 'socket.io peer <-> native peer, direct and broadcast (default transports)', fn: (ctx) => bothWays(ctx, undefined) },
  { name: 'socket.io peer <-> native peer, direct and broadcast (websocket only)', fn: (ctx) => bothWays(ctx, { transports: ['websocket'] }) },
]);
