// The tutorial's scenario, run with the two peers above as they are (child processes, reading their output):
//
//   node test.js                 starts its own peerlink-hub --port 0 (PEERLINK_HUB_BIN, or peerlink-hub on PATH)
//   HUB_URL=http://127.0.0.1:PORT node test.js    uses a hub already running (on a fresh hub: ids node1, node2)
//
// With PEERLINK_CLI_BIN (or peerlink-cli on PATH; PEERLINK_CLI_BIN=none: without) a native PeerLink peer joins too: it must get node1's hello and
// its own broadcast must reach both tutorial peers. Exits 0 when everything happened, 1 otherwise; 60 s at most.
'use strict';
const { spawn, spawnSync } = require('child_process');
const path = require('path');

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
const deadline = setTimeout(() => fail('time-out (60 s)'), 60000);

function fail(why) {
  console.error(`FAIL: ${why}`);
  for (const c of children) console.error(`--- ${c.label}:\n${c.output}`);
  process.exit(1);
}

function onPath(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Starts a process whose output lines we wait for. */
function start(label, cmd, args) {
  const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  c.label = label;
  c.output = '';
  c.waiters = [];
  const feed = (chunk) => {
    c.output += chunk.toString();
    c.waiters = c.waiters.filter((w) => !(w.test(c.output) && (w.resolve(), true)));
  };
  c.stdout.on('data', feed);
  c.stderr.on('data', feed);
  c.on('exit', (code) => { c.exited = code; });
  c.on('error', (err) => fail(`${label}: ${err.message}`));
  children.push(c);
  return c;
}

/** Resolves when @p c has printed text matching @p re. */
function expect(c, re) {
  if (re.test(c.output)) return Promise.resolve();
  return new Promise((resolve) => c.waiters.push({ test: (s) => re.test(s), resolve }));
}

async function main() {
  let url = process.env.HUB_URL;
  let port;
  if (!url) {
    const hubBin = process.env.PEERLINK_HUB_BIN || onPath('peerlink-hub');
    if (!hubBin) fail('no hub: set HUB_URL, or PEERLINK_HUB_BIN, or put peerlink-hub on PATH');
    const hub = start('peerlink-hub', hubBin, ['--bind', '127.0.0.1', '--port', '0']);
    await expect(hub, /listening on ws:\/\/127\.0\.0\.1:\d+/);
    port = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(hub.output)[1];
    url = `http://127.0.0.1:${port}`;
  }
  console.log(`hub: ${url}`);

  const cliBin = process.env.PEERLINK_CLI_BIN === 'none' ? undefined : process.env.PEERLINK_CLI_BIN || onPath('peerlink-cli');
  let native;
  if (cliBin) {
    const wsUrl = url.replace(/^http/, 'ws');
    native = start('peerlink-cli', cliBin, ['--hub', wsUrl, '--id', 'native', '--json', '--no-listen']);
    await expect(native, /"event":"welcome"/);
  } else {
    console.log('(no peerlink-cli: the native peer is left out)');
  }

  const node2 = start('node2', process.execPath, [path.join(__dirname, 'node2.js'), url]);
  await expect(node2, /Joined as node2/);
  await expect(node2, /Upgraded to websocket/);
  const node1 = start('node1', process.execPath, [path.join(__dirname, 'node1.js'), url]);
  await expect(node1, /Upgraded to websocket/);

  await expect(node2, /Peer connected: node1/);
  await expect(node2, /Connection request from: node1/);
  await expect(node2, /Received message: \{[^\n]*"from":"node1"[^\n]*\}/);
  if (!/Received message: \{[^\n]*"text":"hello world!"/.test(node2.output)) fail('node2 did not get "hello world!"');
  if (native) {
    await expect(native, /"event":"message"[^\n]*"text":"hello world!"|"text":"hello world!"[^\n]*"event":"message"/);
    native.stdin.write('hello from native\n');
    await expect(node1, /Received message: [^\n]*"text":"hello from native"/);
    await expect(node2, /Received message: [^\n]*"text":"hello from native"/);
  } else {
    node2.stdin.write('hello from node2\n');
    await expect(node1, /Received message: [^\n]*"text":"hello from node2"/);
  }
  // node1 got a later broadcast, so its own hello would have reached it by now: it must not have.
  if (/Received message: [^\n]*"text":"hello world!"/.test(node1.output)) fail('node1 received its own broadcast');
  if (/Error:/.test(node1.output + node2.output)) fail('a peer got an error event');

  node1.stdin.end(); // node1 disconnects
  await expect(node2, /Peer disconnected: node1/);
  clearTimeout(deadline);
  console.log(`PASS: the tutorial's peers joined, upgraded to WebSocket, met, talked${native ? ' (with a native peer too)' : ''} and parted`);
  process.exit(0);
}

main().catch((err) => fail(err.stack || err));
