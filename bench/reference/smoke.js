'use strict';
// Smoke test for the benchmark's servers (issue 7): the PeerLink hub, ws-hub.js, the C floor relay (KIND peerlink)
// and socketio-hub.js or PeerLink's hub's socket.io endpoint (KIND socketio, spoken raw over WebSocket like the load
// generator does).
//
//   node smoke.js KIND PORT [N]
//
// Two clients join (a, b); a sends one message to b and one broadcast; b must get both with the right text (and
// from = a, unless the server is the floor, which does not stamp); a closes; b must get peer_disconnect for a.
// With N > 2, N clients then join, every one must see the others, a 1 MiB message goes from the first to the
// second only, and a broadcast from the third reaches every other. Exits 0 on success, 1 with a message on failure;
// 5 s overall time-out (15 s with N).

const WebSocket = require('ws');

const [kind, portArg, nArg] = process.argv.slice(2);
const port = Number(portArg);
const many = nArg === undefined ? 0 : Number(nArg);
if (!['peerlink', 'socketio'].includes(kind) || !Number.isInteger(port) || port <= 0 ||
    (nArg !== undefined && (!Number.isInteger(many) || many < 3))) {
  console.error('usage: node smoke.js peerlink|socketio PORT [N>=3]');
  process.exit(2);
}

const timer = setTimeout(() => fail('time-out'), many ? 15000 : 5000);
const clients = [];

function fail(why) {
  console.error(`smoke ${kind} :${port}: FAIL: ${why}`);
  process.exit(1);
}

/** One client: `send(type, fields)` and `next(type, pred)` over either protocol, messages normalised to objects. */
class Client {
  constructor(name) {
    this.name = name;
    this.inbox = [];
    this.waiters = [];
    const url = kind === 'socketio'
      ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`
      : `ws://127.0.0.1:${port}/`;
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.ws.on('error', (err) => fail(`${name}: ${err.message}`));
    this.ready = new Promise((resolve) => {
      if (kind === 'peerlink') {
        this.ws.on('open', resolve);
        this.ws.on('message', (data) => this.deliver(JSON.parse(data.toString())));
        return;
      }
      // Engine.IO 4 / Socket.IO 5 packets: 0 open, 2 ping, 3 pong, 40 connect, 42 event.
      this.ws.on('message', (data) => {
        const s = data.toString();
        if (s[0] === '0') return this.ws.send('40');
        if (s === '2') return this.ws.send('3');
        if (s.startsWith('40')) return resolve();
        if (s.startsWith('42')) {
          const [event, payload] = JSON.parse(s.slice(2));
          // PeerLink's socket.io endpoint emits peer_connect / peer_disconnect with the id as a string (the
          // tutorial's form); socketio-hub.js with {id}.
          return this.deliver({ type: event, ...(typeof payload === 'string' ? { id: payload } : payload) });
        }
        if (s.startsWith('44')) fail(`${name}: connect_error ${s}`);
      });
    });
  }

  send(type, fields = {}) {
    if (kind === 'socketio') this.ws.send('42' + JSON.stringify([type, fields]));
    else this.ws.send(JSON.stringify({ type, ...fields }));
  }

  deliver(msg) {
    const i = this.waiters.findIndex((w) => w.match(msg));
    if (i >= 0) return this.waiters.splice(i, 1)[0].resolve(msg);
    this.inbox.push(msg);
  }

  /** The first message of `type` (that `pred` accepts), received already or to come. */
  next(type, pred = () => true) {
    const match = (m) => m.type === type && pred(m);
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  close() {
    this.ws.close();
  }
}

function check(cond, why) {
  if (!cond) fail(why);
}

async function join(name) {
  const c = new Client(name);
  clients.push(c);
  await c.ready;
  c.send('join', { id: name });
  c.welcome = await c.next('welcome');
  check(c.welcome.id === name, `${name}: welcome for ${c.welcome.id}`);
  check(Array.isArray(c.welcome.peers), `${name}: welcome without peers`);
  return c;
}

async function basic() {
  const a = await join('a');
  check(a.welcome.peers.length === 0, `a: welcome lists ${JSON.stringify(a.welcome.peers)}`);
  const stamps = a.welcome.hub !== 'floor'; // the floor forwards payloads unchanged
  const b = await join('b');
  check(b.welcome.peers.length === 1 && b.welcome.peers[0].id === 'a', `b: welcome peers ${JSON.stringify(b.welcome.peers)}`);
  await a.next('peer_connect', (m) => m.id === 'b');

  a.send('message', { to: 'b', text: 'hello b', mid: 'm1' });
  a.send('message', { text: 'hello everyone', mid: 'm2' });
  const direct = await b.next('message', (m) => m.text === 'hello b');
  const bcast = await b.next('message', (m) => m.text === 'hello everyone');
  if (stamps) {
    check(direct.from === 'a' && direct.to === 'b', `direct message ${JSON.stringify(direct)}`);
    check(bcast.from === 'a' && bcast.to === undefined, `broadcast ${JSON.stringify(bcast)}`);
    check(typeof direct.ts === 'number' && typeof bcast.ts === 'number', 'message without ts');
    await a.next('ack', (m) => m.mid === 'm1');
    await a.next('ack', (m) => m.mid === 'm2');
  }
  check(!a.inbox.some((m) => m.type === 'message'), 'a received its own broadcast');

  a.close();
  await b.next('peer_disconnect', (m) => m.id === 'a');
  b.close();
  return stamps;
}

async function crowd(n) {
  const cs = [];
  for (let i = 0; i < n; i++) cs.push(await join(`c${i}`));
  for (let i = 0; i < n; i++) {
    check(cs[i].welcome.peers.length === i, `c${i}: welcome lists ${cs[i].welcome.peers.length} peers, not ${i}`);
    for (let j = i + 1; j < n; j++) await cs[i].next('peer_connect', (m) => m.id === `c${j}`);
  }

  const big = 'B' + 'x'.repeat(1024 * 1024 - 2) + 'E';
  cs[0].send('message', { to: 'c1', text: big });
  cs[2].send('message', { text: 'to all from c2' });
  const got = await cs[1].next('message', (m) => m.text.length === big.length);
  check(got.text === big, '1 MiB message arrived altered');
  for (let i = 0; i < n; i++) {
    if (i !== 2) await cs[i].next('message', (m) => m.text === 'to all from c2');
  }
  // Nobody but c1 may get the big one: give strays a moment to arrive, then look.
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < n; i++) {
    check(!cs[i].inbox.some((m) => m.type === 'message' && m.text === big), `c${i} got c1's 1 MiB message`);
  }
  check(!cs[2].inbox.some((m) => m.type === 'message'), 'c2 received its own broadcast');

  cs[0].close();
  for (let i = 1; i < n; i++) await cs[i].next('peer_disconnect', (m) => m.id === 'c0');
  for (const c of cs) c.close();
}

(async () => {
  const stamps = await basic();
  if (many) await crowd(many);
  clearTimeout(timer);
  console.log(`smoke ${kind} :${port}: ok (${stamps ? 'from/ts/ack checked' : 'floor: no from/ts/ack'}` +
              `${many ? `; ${many} clients, 1 MiB to one peer, broadcast` : ''})`);
  // Let the close frames go out before exiting.
  setTimeout(() => process.exit(0), 50);
})().catch((err) => fail(err.stack || String(err)));
