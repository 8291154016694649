'use strict';
// What else an ordinary socket.io-client does against the hub: heartbeats on every transport (the client stays
// connected across pings, polling only too), a CONNECT with an auth object, a namespace the hub does not serve,
// and a binary attachment (refused with bad_message, the connection stays).

const assert = require('node:assert/strict');
const h = require('./lib/harness');

async function heartbeats(ctx) {
  // Pings every second, 1 s to answer: a client that did not answer, or a hub that did not take the answer, would be
  // dropped within the three pings waited for.
  const hub = await h.startHub({ args: ['--ping-interval', '1', '--ping-timeout', '1', '--reconnect-grace', '0'] });
  ctx.defer(() => hub.stop());
  const clients = [
    ['default', undefined],
    ['polling', { transports: ['polling'] }],
    ['websocket', { transports: ['websocket'] }],
  ].map(([id, opts]) => {
    const s = h.sioConnect(hub.url, opts, id);
    ctx.defer(() => s.disconnect());
    s.on('connect', () => s.emit('join', { id }));
    let pings = 0;
    s.io.on('ping', () => { ++pings; s.events.push('@ping', [pings]); });
    return { id, s };
  });
  for (const { s } of clients) await s.events.first('welcome');
  const open = clients.find((c) => c.id === 'polling').s.events.seen('@open')[0];
  assert.equal(open.args[0], 'polling');
  for (const { id, s } of clients) {
    await s.events.next('@ping', (n) => n >= 3, 15000);
    assert.equal(s.connected, true, `${id} is still connected after 3 pings`);
    assert.equal(s.events.seen('@disconnect').length, 0, `${id}: ${s.events.describe()}`);
  }
  assert.equal(clients.find((c) => c.id === 'polling').s.io.engine.transport.name, 'polling');
  // Everyone still joined: a broadcast from the polling-only client reaches the two others.
  clients.find((c) => c.id === 'polling').s.emit('message', 'still here');
  for (const { id, s } of clients.filter((c) => c.id !== 'polling')) {
    assert.equal((await s.events.first('message', (m) => m && m.text === 'still here')).from, 'polling', id);
  }
  assert.equal(clients[0].s.events.seen('peer_disconnect').length, 0, clients[0].s.events.describe());
}

async function authAndNamespaces(ctx) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  // CONNECT with an auth object (40{"token":...}): accepted like a plain one.
  const withAuth = h.sioConnect(hub.url, { auth: { token: 'anything' } }, 'auth');
  ctx.defer(() => withAuth.disconnect());
  await withAuth.events.next('@connect');
  assert.equal((await h.emitWithAnswer(withAuth, 'join', { id: 'auth' })).type, 'welcome');

  // A namespace other than "/": connect_error "Invalid namespace", as socket.io's own server says it.
  const chat = h.sioConnect(`${hub.url}/chat`, { reconnection: false }, 'chat');
  ctx.defer(() => chat.disconnect());
  const [err] = await chat.events.next('@connect_error');
  assert.equal(err.message, 'Invalid namespace');
  assert.equal(chat.events.seen('@connect').length, 0);
}

async function binary(ctx) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  for (const [id, opts] of [['bin-ws', { transports: ['websocket'] }], ['bin-poll', { transports: ['polling'] }]]) {
    const s = h.sioConnect(hub.url, opts, id);
    ctx.defer(() => s.disconnect());
    await s.events.next('@connect');
    assert.equal((await h.emitWithAnswer(s, 'join', { id })).type, 'welcome');
    // A Buffer makes socket.io-client send a binary event (451-...) and its attachment.
    s.emit('message', Buffer.from([1, 2, 3]));
    const e = await s.events.first('error', (x) => x && x.code === 'bad_message');
    assert.equal(typeof e.message, 'string');
    // One bad message is within the invalid budget: the connection stays and works.
    const ack = await h.emitWithAnswer(s, 'message', 'after the binary');
    assert.equal(ack.type, 'ack', `${id}: ${JSON.stringify(ack)}`);
    assert.equal(s.connected, true);
  }
}

h.run([
  { name: 'heartbeats: default, polling-only and websocket-only clients stay across pings', fn: heartbeats },
  { name: 'CONNECT with auth; another namespace refused', fn: authAndNamespaces },
  { name: 'binary attachments: bad_message, the connection stays', fn: binary },
]);
