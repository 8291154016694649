// node1 of the socket.io P2P tutorial, unchanged but for where the hub is: it joins, asks to connect to node2 and
// says hello. Then every line typed is sent to everyone; the end of input (Ctrl-D) disconnects.
//
//   node node1.js [HUB_URL]      (or HUB_URL=http://127.0.0.1:PORT node node1.js; default http://localhost:3000)
const io = require('socket.io-client');
const readline = require('readline');

const socket = io(process.argv[2] || process.env.HUB_URL || 'http://localhost:3000');

function send_message(message) {
  socket.emit('message', message);
}

socket.on('connect', () => {
  console.log('Connected to server');
  socket.emit('join', { id: 'node1' });
  socket.emit('connect_to_peer', 'node2');
  send_message('hello world!');
});

socket.on('message', (message) => {
  console.log('Received message:', JSON.stringify(message));
});

socket.on('peer_connect', (peerId) => {
  console.log('Peer connected:', peerId);
});

socket.on('peer_disconnect', (peerId) => {
  console.log('Peer disconnected:', peerId);
});

socket.on('error', (error) => {
  console.log('Error:', JSON.stringify(error));
});

socket.io.on('open', () => {
  socket.io.engine.on('upgrade', (transport) => console.log('Upgraded to', transport.name));
});

socket.on('disconnect', (reason) => {
  console.log('Disconnected:', reason);
});

readline.createInterface({ input: process.stdin })
  .on('line', (line) => send_message(line))
  .on('close', () => socket.disconnect());
