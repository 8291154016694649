'use strict';
// A socket.io client (default options: reconnection on) survives a hub restart on the same port: it reconnects by
// itself, joins again in its connect handler, and messages flow again.

const assert = require('node:assert/strict');
const h = require('./lib/harness');

async function restart(ctx, opts) {
  let hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const port = hub.port;
  const url = hub.url;

  const peers = ['a', 'b'].map((id) => {
    const s = h.sioConnect(url, opts, id);
    ctx.defer(() => s.disconnect());
    s.on('connect', () => s.emit('join', { id })); // the tutorial's way: join on every (re)connection
    return s;
  });
  const [a, b] = peers;
  for (const s of peers) await s.events.first('welcome');
  a.emit('message', 'before the restart');
  assert.equal((await b.events.first('message', (m) => m.text === 'before the restart')).from, 'a');

  // Stop the hub: both notice, then reconnect on their own to a new hub on the same port.
  await hub.stop();
  for (const s of peers) await s.events.next('@disconnect');
  hub = await h.startHub({ port });
  assert.equal(hub.port, port);
  for (const [i, s] of peers.entries()) {
    await s.events.next('@connect', () => true, 30000);
    const w = await s.events.first('welcome', () => true, 15000);
    assert.equal(w.id, ['a', 'b'][i], 'the second welcome, on the new hub');
  }
  assert.equal(a.connected && b.connected, true);
  // Both are on the new hub: messages flow both ways.
  a.emit('message', 'after the restart');
  assert.equal((await b.events.first('message', (m) => m.text === 'after the restart', 15000)).from, 'a');
  b.emit('message', { to: 'a', text: 'and back' });
  const back = await a.events.first('message', (m) => m.text === 'and back', 15000);
  assert.equal(back.from, 'b');
  assert.equal(back.to, 'a');
  for (const s of peers) {
    const errors = s.events.seen('error');
    assert.equal(errors.length, 0, `errors: ${s.events.describe()}`);
  }
}

h.run([
  { name: 'reconnection after a hub restart (default transports)', fn: (ctx) => restart(ctx, undefined) },
  { name: 'reconnection after a hub restart (websocket only)', fn: (ctx) => restart(ctx, { transports: ['websocket'] }) },
]);
