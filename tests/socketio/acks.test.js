'use strict';
// Acknowledgement callbacks (socket.emit(event, data, (answer) => ...)): the answer is the hub's native answer
// object, and an answer that went to a callback is not also emitted as an event.

const assert = require('node:assert/strict');
const h = require('./lib/harness');

async function acks(ctx, opts) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const a = h.sioConnect(hub.url, opts, 'a');
  const b = h.sioConnect(hub.url, opts, 'b');
  ctx.defer(() => a.disconnect());
  ctx.defer(() => b.disconnect());
  await a.events.next('@connect');
  await b.events.next('@connect');

  // Before join: refused with not_joined, to the callback.
  const early = await h.emitWithAnswer(a, 'message', 'too early');
  assert.equal(early.type, 'error', JSON.stringify(early));
  assert.equal(early.code, 'not_joined');
  assert.equal(typeof early.message, 'string');

  // join answers welcome.
  const wa = await h.emitWithAnswer(a, 'join', { id: 'a' });
  assert.equal(wa.type, 'welcome', JSON.stringify(wa));
  assert.equal(wa.id, 'a');
  assert.deepEqual(wa.peers, []);
  const wb = await h.emitWithAnswer(b, 'join', 'b'); // the id as a string
  assert.equal(wb.type, 'welcome', JSON.stringify(wb));
  assert.equal(wb.id, 'b');
  assert.deepEqual(wb.peers.map((p) => p.id), ['a']);
  assert.equal(await a.events.first('peer_connect'), 'b');

  // An id in use: id_taken, and the connection stays open.
  const c = h.sioConnect(hub.url, opts, 'c');
  ctx.defer(() => c.disconnect());
  await c.events.next('@connect');
  const taken = await h.emitWithAnswer(c, 'join', { id: 'a' });
  assert.equal(taken.type, 'error', JSON.stringify(taken));
  assert.equal(taken.code, 'id_taken');
  const wc = await h.emitWithAnswer(c, 'join', { id: 'c' });
  assert.equal(wc.type, 'welcome', JSON.stringify(wc));

  // A message answers ack, with a mid made up when the client gave none...
  const ack1 = await h.emitWithAnswer(a, 'message', 'hi all');
  assert.equal(ack1.type, 'ack', JSON.stringify(ack1));
  assert.equal(typeof ack1.mid, 'string');
  assert.ok(ack1.mid.length > 0);
  assert.equal((await b.events.first('message', (m) => m.text === 'hi all')).from, 'a');
  // ...or with the client's own.
  const ack2 = await h.emitWithAnswer(a, 'message', { to: 'b', text: 'for b', mid: 'm-1' });
  assert.deepEqual({ type: ack2.type, mid: ack2.mid }, { type: 'ack', mid: 'm-1' });
  const forB = await b.events.first('message', (m) => m.text === 'for b');
  assert.equal(forB.to, 'b');
  assert.equal(forB.mid, 'm-1');

  // A message to an absent peer: peer_unavailable.
  const absent = await h.emitWithAnswer(a, 'message', { to: 'ghost', text: 'anyone?' });
  assert.equal(absent.type, 'error', JSON.stringify(absent));
  assert.equal(absent.code, 'peer_unavailable');
  assert.equal(typeof absent.message, 'string');

  // connect_to_peer, which the native protocol answers with nothing: ok (and b is asked).
  const ok = await h.emitWithAnswer(a, 'connect_to_peer', 'b');
  assert.equal(ok.type, 'ok', JSON.stringify(ok));
  assert.equal((await b.events.first('connect_to_peer')).from, 'a');

  // Without a callback, a message with its own mid gets the ack as an event; one without mid gets nothing.
  a.emit('message', { text: 'no callback', mid: 'm-2' });
  assert.equal((await a.events.first('ack')).mid, 'm-2');
  // Without a callback, the refusal is an error event.
  a.emit('message', { to: 'ghost', text: 'again?' });
  const err = await a.events.first('error', (e) => e && e.code === 'peer_unavailable');
  assert.equal(err.code, 'peer_unavailable', JSON.stringify(err));

  // Answers that went to callbacks were not emitted as events too (they would have arrived before the events above).
  for (const [s, name] of [[a, 'a'], [b, 'b'], [c, 'c']]) {
    assert.equal(s.events.seen('welcome').length, 0, `${name} got welcome as an event too: ${s.events.describe()}`);
  }
  assert.equal(a.events.seen('ack').length, 1, `a's acks as events: ${a.events.describe()}`);
  assert.equal(a.events.seen('error').length, 1, `a's errors as events: ${a.events.describe()}`);
  assert.equal(c.events.seen('error').length, 0, `c's errors as events: ${c.events.describe()}`);

  // leave with a callback: ok, and the others hear it.
  const left = await h.emitWithAnswer(c, 'leave');
  assert.equal(left.type, 'ok', JSON.stringify(left));
  assert.equal(await a.events.first('peer_disconnect', (id) => id === 'c'), 'c');

  // Events carry the native object minus "type" (ack {mid}, error {code, message, ref?}, message {from, text, ...}).
  assert.deepEqual([...h.eventsWithType(a.events), ...h.eventsWithType(b.events)], [],
    'event arguments that still carry the native "type"');
}

h.run([
  { name: 'ack callbacks (default transports)', fn: (ctx) => acks(ctx, undefined) },
  { name: 'ack callbacks (websocket only)', fn: (ctx) => acks(ctx, { transports: ['websocket'] }) },
]);
