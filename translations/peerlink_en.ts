<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>ConnectDialog</name>
        <message>
            <source>Connect to a hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your &amp;id:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Display &amp;name:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>optional</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub &amp;password:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>if the hub has one</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Remember the password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Store it in &amp;plain text in the settings file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hubs on the local network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hubs found on the local network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a hub to fill in its address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub &amp;addresses:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>One hub address or several, separated by spaces or commas: when the hub in use stops answering, PeerLink moves to the next one and carries on there.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HostDialog</name>
        <message>
            <source>Host a hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Reachable from:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Port:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>any free port</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub &amp;name:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pass&amp;word:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none: anyone who can reach it may join</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS &amp;certificate:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>optional: a PEM file, for wss://</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS &amp;key:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>its private key (PEM, unencrypted)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peers at &amp;most:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Largest &amp;message:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> KiB</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Messages per &amp;second per peer:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connections per &amp;address:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>M&amp;ore settings:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any other limit, as key = value lines like peerlink-hub's hub.conf, e.g. byte-rate = 262144</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Browse…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Store it in &amp;plain text in the settings file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Announce the hub on the local network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Others on this network then see it in their connect dialog (name, address, whether it needs a password)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HubPanel</name>
        <message>
            <source>Not hosting a hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Others join with:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kick</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Ban</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Host a hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;top hosting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Forget id…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Release an id bound to a key, for its owner who lost the key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Banned (kept for the next time you host):</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Unban</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peers on this hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Banned peers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Copy invitation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy a peerlink:// link that friends open (or scan as the QR code below) to join this hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Invitation QR code</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Everyone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A peer asks to connect to you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Accept</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Decline</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type a message; Enter sends, Shift+Enter starts a new line</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>P&amp;eers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;View</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Help</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Toolbar</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Connect to a hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ctrl+K</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Disconnect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Host a hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start a hub on this computer and join it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ctrl+H</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hosting &amp;options…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;top hosting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;ettings…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ctrl+Q</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connect to &amp;peer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kick from my hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Hub panel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;About PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Verify…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept the &amp;new key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>My &amp;identity…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your fingerprint, for peers who want to verify you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Compare this peer's fingerprint with yours in person and mark them verified</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peers and conversations</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The messages of the conversation shown, oldest first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Messages of the conversation</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PartFile</name>
        <message>
            <source>cannot make the folder %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot write %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot read %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the SHA-256 of the received file does not match the offered one</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot rename %1 to %2: %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the disk is full: %1 more bytes are needed in %2 for %3</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::AppOptions</name>
        <message>
            <source>PeerLink: peer-to-peer messaging. Host a hub or join one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show this help.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show the version.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start hosting a hub on launch.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Port for --host (default: the one in the settings).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peer id to join as.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Display name.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub password for --hub, or for the hub started by --host.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save screenshots into DIR after a few seconds, then quit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Milliseconds to wait before --screenshots.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected argument "%1" (see --help)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--port takes a number from 0 to 65535 (got "%1")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--port goes with --host</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--hub takes a ws:// or wss:// URL (got "%1")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--hub and --host exclude each other</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--id takes 1 to 64 of A-Z a-z 0-9 . _ - (got "%1")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--name takes at most 64 printable characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--screenshot-delay takes milliseconds</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>An invitation link (peerlink://join?…) to open.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not a valid invitation link: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an invitation and --host exclude each other</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>With --screenshots, wait until N other peers are online.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>With --screenshots, say TEXT to everyone once joined.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use a light or dark palette of PeerLink's own (light, dark).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--screenshot-peers takes a number of peers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--palette takes light or dark</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connect to this hub on launch, e.g. ws://192.168.1.5:9000, or open an invitation link (peerlink://join?…). Repeat it for hubs to move to, in order, when the one in use stops answering.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::AvahiDiscovery</name>
        <message>
            <source>The Avahi daemon is not running on this computer, so hubs on the local network cannot be listed (and a hosted hub is not announced). Type the hub's address or open an invitation instead.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hubs on the local network cannot be listed: Avahi says "%1". Type the hub's address or open an invitation instead.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::ChatController</name>
        <message>
            <source>Everyone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>you disconnected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are not connected to a hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is offline; the message was not sent.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the connection was lost</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not reach the hub at %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 to everyone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not connected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Disconnected: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connecting to %1…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Joining %1 as %2…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connected as %1 to %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reconnecting to %1 (attempt %2)… Lost the connection: %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — direct link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — connecting directly…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — through the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub's certificate is not trusted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — key changed!</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 ✓ verified</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1's key changed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 came back without the key you know them by (an older PeerLink, or no identity), which is also what someone posing as them would look like. Nothing is sent to %1 and nothing from them is shown until you accept this; ask them in person first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1's key changed. This happens when they reinstall PeerLink or use another computer, but it is also what someone posing as them would look like. Nothing is sent to %1 and nothing from them is shown until you accept the new key; compare fingerprints with them first (Verify…).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sending to %1 is paused: their key changed. Accept the new key to send again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no message history to export.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 cannot be written: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 removed you from the room #%2.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The room #%1 was closed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Invitation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 invites you to the room #%2.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rooms are end to end: they need an identity (PeerLink ▸ My identity).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A room's name is 1 to 64 letters, digits, dots, dashes or underscores.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 in %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — you are not in it</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n member(s): %1</source>
            <translation>
                <numerusform>%n member: %1</numerusform>
                <numerusform>%n members: %1</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — %2 — %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are not in the room %1 now; join it to send.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A topic is at most 256 characters on one line.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That is not a peer id: use 1 to 64 letters, digits, dots, dashes or underscores.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are no longer in the room #%1 (removed, or it was closed, while you were away).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>File offered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 offers %2 (%3).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>File received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 from %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not reach any of the hubs (%1): %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lost the connection to %1: %2. Trying the next hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>— moved here when %1 stopped answering</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::CliFiles</name>
        <message>
            <source>! transfer %1 paused: %2 (free some space, then /resume %1)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>! a chunk of %1 did not verify (changed on the way); it is sent again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/send-file PEER PATH</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* offered %1 (%2 bytes) to %3 as %4</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/accept ID [DIR]: ID names a file offered to you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/decline ID: ID names a file offered to you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/cancel ID: ID names a transfer under way</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 offers %2 (%3 bytes): /accept %4 [DIR] or /decline %4</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 offers %2 (%3 bytes), accepted into %4</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1: %2 of %3 bytes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* received %1 from %2: %3 (SHA-256 %4)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 has %2 (SHA-256 %3)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>! transfer %1 of %2 failed: %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* transfer %1 goes on from %2 of %3 bytes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/pause ID: ID names a transfer under way</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/resume ID: ID names a transfer you paused (or a full disk did); a pause the peer made is the peer's to resume</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* transfer %1 paused by you (/resume %1 goes on)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* transfer %1 paused by %2: %3 (%2 resumes it; /cancel %1 ends it)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* going on with %1 to %2 as %3 (%4 of %5 bytes acknowledged before), when %2 is there</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::CliPeer</name>
        <message>
            <source>* %1 joined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 (%2) joined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 left</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1: direct link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1: connecting directly…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1: through the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 asks to connect to you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 &lt;%2&gt; %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 &lt;%2 to you&gt; %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* joined "%1" as %2; peers: %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* disconnected: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: could not send: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>! %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>! %1 (%2): %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: cannot join (%1): %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/to PEER TEXT</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/connect PEER</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* peers: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* reconnecting in %1 ms (attempt %2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 &lt;%2, signed&gt; %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 &lt;%2 to you, encrypted&gt; %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>! the key of %1 changed (was %2, now %3); nothing goes to or comes from it until /trust %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* your fingerprint: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* fingerprint of %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/trust PEER</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 has no changed key to trust</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* trusted the new key of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* stored on the hub for later %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no history is kept: start with --history FILE</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* no messages with %1</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>* the last %n message(s) with %1:</source>
            <translation>
                <numerusform>* the last %n message with %1:</numerusform>
                <numerusform>* the last %n messages with %1:</numerusform>
            </translation>
        </message>
        <message>
            <source>* %1 has %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 read %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* sent %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/history PEER [N] (N from 1 to 10000; PEER * for Everyone, #ROOM for a room)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* moved to hub %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown command %1; commands: /to PEER TEXT, /to #ROOM TEXT, /join #ROOM, /leave #ROOM, /rooms, /members #ROOM, /create #ROOM, /invite #ROOM PEER, /remove #ROOM PEER, /topic #ROOM, /close #ROOM, /connect PEER, /peers, /fingerprint [PEER], /trust PEER, /history PEER [N], /send-file PEER PATH, /accept ID [DIR], /decline ID, /cancel ID, /pause ID, /resume ID, /quit</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::CliRooms</name>
        <message>
            <source>* you are in #%1 (%2); members: %3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no topic</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 joined #%2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 removed you from #%2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* #%1 was closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* you left #%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 was removed from #%2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 left #%2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 #%2 &lt;%3&gt; %4</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 invites you to #%2 (/join #%2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* %1 set the topic of #%2: %3</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>#%1 (%n member(s))</source>
            <translation>
                <numerusform>#%1 (%n member)</numerusform>
                <numerusform>#%1 (%n members)</numerusform>
            </translation>
        </message>
        <message>
            <source>, you are in it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, you are invited</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* no rooms</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* rooms:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (away)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* members of #%1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/to #ROOM TEXT</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/join #ROOM</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/leave #ROOM</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/members #ROOM</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/create #ROOM [invite-only] [TOPIC]</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/invite #ROOM PEER</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/remove #ROOM PEER</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/topic #ROOM [TOPIC]</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>/close #ROOM</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>* you are no longer in #%1 (removed or closed while away)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::ConnectDialog</name>
        <message>
            <source>An id is 1 to 64 letters, digits, dots, dashes or underscores, with no spaces.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A display name is at most 64 characters, on one line.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This hub asks for a password: its host can tell you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hubs on the local network are not looked for.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a hub to fill in its address:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Looking for hubs on the local network… none found yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A remembered password is kept in the system keychain.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No system keychain (such as GNOME Keyring or KWallet) answers: the password is remembered only if you allow it in plain text in PeerLink's settings file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Looking for the system keychain…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::ConversationModel</name>
        <message>
            <source>You</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>  (sending…)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>  (not delivered)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting for the hub to confirm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delivered at %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not delivered: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From %1 at %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>End-to-end encrypted: only you and %1 can read it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PeerLink closed before the hub confirmed it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not delivered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent at %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delivered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>  (kept by the hub until the peer is back)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The peer is away: the hub keeps the message, sealed end to end, and hands it on when the peer is back.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>  ✓✓ read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub passed it on; no receipt from the peer yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>file %1 (%2)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::DirectLinks</name>
        <message>
            <source>Cannot listen for direct links on %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 gave no address to dial</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>timed out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a bad frame during authentication</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the other side could not prove it is %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 could not prove the introduction</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unexpected "%1" during authentication</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no introduction %1 for %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the link closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no answer to keepalives</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>replaced by a new link</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a frame on the link failed verification</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a bad key during authentication</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 could not prove the key it joined the hub with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 did not prove the key it joined the hub with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a binary frame that is not a file chunk</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::DirectPaths</name>
        <message>
            <source>not accepting direct connections</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 left before the direct link was made.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 left the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>left the hub</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::ErrorText</name>
        <message>
            <source>The hub reported an error (%1).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub did not understand a request from this app (%1).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are not connected to a hub yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are already connected.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That id is not allowed: use 1 to 64 letters, digits, dots, dashes or underscores.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That id is already in use on this hub. Choose another id.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wrong hub password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That peer is not online, so the message was not delivered.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message is too large for this hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are sending too fast; the hub dropped a message. Wait a moment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub is full. Try again later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are banned from this hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The peer declined a direct connection; messages go through the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That connection request has expired.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>you left the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>your session continued on a new connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub is shutting down</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub heard nothing from this computer for too long</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the host removed you from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the host removed you from the hub: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>you are banned from this hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub received too many requests it could not understand from this app</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>this computer did not keep up with the messages from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This hub admits only peers with an identity, and PeerLink has none at the moment (see PeerLink ▸ My identity).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That id belongs to another key on this hub: someone else uses it, or it was yours with a key you no longer have. Choose another id, or ask the hub's host to forget it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not confirm your identity (the proof of your key was refused).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You can keep chatting; new messages are not saved until this is solved. Nothing already saved was deleted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message history file is damaged and cannot be read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The disk is full: the message history cannot grow.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message history is in use by another program (is PeerLink running twice?).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message history cannot be written (the disk or folder is read-only).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message history was saved by a newer PeerLink and cannot be used by this one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The conversation could not be exported: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message history does not work: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The peer is offline and the hub cannot keep more messages for it now; try again later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The peer did not come back in time: the hub dropped a message it kept for it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 declined a direct connection; messages go through the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 declined a direct connection ("%2"); messages go through the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing answers at that address and port (is the hub running, and is the port right?)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub's address was not found (check the name)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub did not answer in time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>this computer has no network route to the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a secure (TLS) connection to the hub could not be set up</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub does not relay files: connect directly to the peer to send one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no such room on this hub (or it is invite-only and you are not invited).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A room by that name already exists on this hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You may not do that in this room.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub has as many rooms as it keeps; no new room can be made now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are in as many rooms as this hub allows; leave one first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The room has as many members as this hub allows.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub cannot reach the other hubs of its cluster right now; try again in a moment.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::FileTransfers</name>
        <message>
            <source>%1 is not joined to the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cannot read %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no such file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cannot offer a file to %1: files go end to end, and it has no identity key we can seal to.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 offered %2 (%3 bytes), more than the %4 bytes accepted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>declined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 does not accept files this large.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 declined the file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 cancelled the transfer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 received a file with another SHA-256.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 reported the transfer failed (%2).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Too many chunks from %1 did not verify.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub does not know file transfers (it is older than this client).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub does not relay files and there is no direct link to %1.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>paused by you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 cannot write the file (its disk is full); it goes on when %1 resumes it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 paused the transfer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is no longer there</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 was changed since it was offered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1; it is not sent to %2. Send the file again to offer it as it is now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is not the peer the file was offered to (its identity key is another one); it is not sent.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HostDialog</name>
        <message>
            <source>Other computers (all IPv4 interfaces)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Other computers (IPv4 and IPv6)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This computer only</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose where the hub can be reached from, or type an IP address of this computer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A hub name is 1 to 64 characters, on one line.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no limit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For wss://, give both the certificate and its key (or neither, for plain ws://).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the TLS certificate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the TLS private key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HubAddresses</name>
        <message>
            <source>"%1" is not a valid invitation link.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>"%1" is not a hub address: one looks like ws://192.168.1.5:9000 (several are separated by spaces or commas).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A hub address looks like ws://192.168.1.5:9000.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HubConnection</name>
        <message>
            <source>The hub's certificate is not trusted: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>left</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>connection closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub at %1 did not answer within %2 ms.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub at %1 stopped answering (no pong within %2 ms).</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HubHost</name>
        <message>
            <source>A hub is already running.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub is still stopping; start it again once it has stopped.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HubPanel</name>
        <message>
            <source>Hosting "%1" on port %2, open to anyone who can reach it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hosting "%1" on port %2, with a password.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n peer(s) connected</source>
            <translation>
                <numerusform>%n peer connected</numerusform>
                <numerusform>%n peers connected</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s) routed</source>
            <translation>
                <numerusform>%n message routed</numerusform>
                <numerusform>%n messages routed</numerusform>
            </translation>
        </message>
        <message>
            <source>Not hosting a hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS certificate SHA-256 fingerprint (others compare it when asked):
%1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Starting the hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stopping the hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No key was bound to %1.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not forget %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub forgot the key of %1: whoever joins as %1 next binds theirs.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Forget an id</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub keeps each id for the key it first joined with, so nobody else can take it. Forget an id only when its owner lost their key (a new computer, a deleted profile): the next peer to join as that id binds its own key, and the others are told the key changed.

Id to forget:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Forget this id</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>"%1" is not an id.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is banned by its id only: it connects from this computer, and banning this computer's address would shut out your own PeerLink too.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is banned, and so is its address %2.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 may join again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (and %2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kick %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Disconnect %1 from your hub? They can join again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kick</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ban %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ban %1 from your hub? They are disconnected and cannot join again until you unban them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Ban</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HubPeersModel</name>
        <message>
            <source>%1 (you, hosting)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Id</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Joined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Key fingerprint</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::HubText</name>
        <message>
            <source>%1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>left the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>closed the connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>lost the connection and did not come back in time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>kicked by the host</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>banned from this hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>stopped answering the hub's heartbeat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>sent too many invalid messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>stopped reading: too much was waiting for it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>sent a message larger than this hub allows</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>was refused by the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub stopped</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub is already listening</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS is not available: Qt found no TLS library (install libssl3), so the hub cannot use the certificate.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub cannot listen on that address and port. Choose another port, or another address.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub cannot listen on that address and port (%1). Choose another port, or another address.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not accept a connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub reported a problem</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::IdentityDialog</name>
        <message>
            <source>My identity</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Copy the fingerprint</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This is your fingerprint. Peers who want to be sure that they talk to you compare it with what their PeerLink shows for you, in person or on a call they trust.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your key is kept in %1. Keep it private; whoever has it can pose as you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You have no identity at the moment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key would be kept in %1.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::IncomingFilesPolicy</name>
        <message>
            <source>The file from %1 was not saved automatically: %2 Choose where to save it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no folder for incoming files is set.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the folder %1 does not exist.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is not a folder.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the folder %1 cannot be written to.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::KeyStore</name>
        <message>
            <source>%1: the known keys can be changed by others (mode %2); make the file the owner's only (chmod 600 %1)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: cannot read the known keys: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: too large for a known-keys file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1, line %2: not a known-keys line (hub-url id key); the file is left as it is and no key is remembered until it is fixed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>too many known keys</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is not a valid known-keys file; the key of %2 is not saved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1: cannot save the known keys: %2</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::LanHubsModel</name>
        <message>
            <source>%1 — %2 (password needed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 — %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1
TLS certificate fingerprint: %2</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::LanguageManager</name>
        <message>
            <source>System language</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::MainWindow</name>
        <message>
            <source>About PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;h3&gt;PeerLink %1&lt;/h3&gt;&lt;p&gt;Peer-to-peer messaging over a hub you can host yourself.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 asks to connect to you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (%2) asks to connect to you.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>PeerLink (%n unread)</source>
            <translation>
                <numerusform>PeerLink (%n unread)</numerusform>
                <numerusform>PeerLink (%n unread)</numerusform>
            </translation>
        </message>
        <message>
            <source>PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not start: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop hosting?</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>You are hosting a hub with %n peer(s). Quitting stops it and disconnects them.</source>
            <translation>
                <numerusform>You are hosting a hub with %n peer. Quitting stops it and disconnects them.</numerusform>
                <numerusform>You are hosting a hub with %n peers. Quitting stops it and disconnects them.</numerusform>
            </translation>
        </message>
        <message>
            <source>Quit and stop the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep hosting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown hub certificate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub at %1 presents a certificate that no certificate authority vouches for (%2).

Its SHA-256 fingerprint is:
%3

Ask the hub's operator for the fingerprint and compare. Trust this hub from now on?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Trust and connect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Do not connect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1's key changed: see the warning in your conversation with them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They are offline: their new key can be accepted once they are back.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A problem with your identity</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No identity: your messages are not end-to-end encrypted (PeerLink ▸ My identity).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search results</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search all conversations (Ctrl+F)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Search messages…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Export conversation…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Delete conversation…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Everyone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 · %2
%3</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing found for “%1”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Web page (*.html)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Plain text (*.txt)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export conversation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>everyone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Exported to %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete conversation?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete every message of your conversation with %1 from this computer? This cannot be undone.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Conversation deleted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A problem with the message history</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n more request(s) waiting.</source>
            <translation>
                <numerusform>%n more request waiting.</numerusform>
                <numerusform>%n more requests waiting.</numerusform>
            </translation>
        </message>
        <message>
            <source>PeerLink is still running</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>It keeps you connected from the tray. Choose Quit in its menu to leave.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search all conversations</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This hub asks for a password: its host can tell you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New messages ↓</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Copy text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send &amp;again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Join &amp;room…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Leave room</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Join room</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Room (joined if it is there, made open if not; its messages go end to end):</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Join</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Invitation to a room</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 invites you to the room #%2.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Create room…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Invite to room…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Members</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Members of the room</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Create room</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>optional</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only those I invite may join</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Topic:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Create</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Invite to %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peer id to invite:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Invite</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (offline)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the hub's password: it is not kept anywhere, as no system keychain answers.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's password could not be read from the system keychain: type it again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Transfers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Transfers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send &amp;file…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send a file to the peer of this conversation (or drop it on the window)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send a file to %1</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::MessageDelegate</name>
        <message>
            <source>Today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yesterday</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::MessageFlow</name>
        <message>
            <source>The key of %1 changed; nothing is sent to it until you trust the new key.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No peer %1 is joined to this hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 announced no valid key to encrypt to; the message was not sent.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not joined to a hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 messages are waiting for the hub already.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>"%1" is not a valid peer id.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message is %1 bytes; at most %2 can be sent.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A message from %1 could not be verified or decrypted and was not delivered.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 did not come back after the hub restarted.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::MessageSelection</name>
        <message>
            <source>Message text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The text of the message, to select and copy</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::PeerClient</name>
        <message>
            <source>Already connected to %1.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>An id is 1 to 64 characters of A-Z a-z 0-9 . _ -</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A display name is at most 64 printable characters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A hub address looks like ws://host:port (got "%1").</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not joined to a hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>"%1" is not a valid peer id.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No peer %1 is joined to this hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No hub address was given.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub address %1 of %2 is not a ws:// or wss:// address (got "%3").</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a file chunk on the direct link did not verify</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::PeerListModel</name>
        <message>
            <source>Everyone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> (hosting)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> (offline)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Messages to every peer on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (id %2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> · direct</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> · connecting…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> ⚠ key changed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their key changed: nothing is sent to them until you accept the new key.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Verified: you compared fingerprints in person.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> (not in it)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The room %1: its members read what you write here, end to end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The room %1: you are not in it now</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::ProfileIdentity</name>
        <message>
            <source>Your identity key file %1 can be read or changed by other users of this computer, so PeerLink does not use it: anyone who copied it could pose as you. Make it private (chmod 600 "%1") if only you ever had access, or delete it to get a new identity (your peers will then be told your key changed). Until then PeerLink works without an identity: your messages are not end-to-end encrypted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PeerLink could not use your identity key file %1 (%2). Until this is fixed it works without an identity: your messages are not end-to-end encrypted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PeerLink could not use the file of your peers' keys %1 (%2). It was left as it is; until it is fixed, peers' keys are remembered only until PeerLink quits.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::RoomChannel</name>
        <message>
            <source>A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A topic is at most 256 printable characters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not a valid room name or peer id.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You are not in the room %1; join it first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rooms are end to end and need an identity.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A message from %1 in %2 could not be opened.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The message is too large for this hub: %1 bytes sealed, at most %2.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::SenderMemory</name>
        <message>
            <source>the field "%1" is missing or not valid</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>it is not JSON (%1 at byte %2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>it is not a PeerLink transfers file of version %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the transfer %1 is there twice</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>entry %1 is skipped: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not an object</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 can be changed by other users, so no transfer in it is resumed and it is not written; make it the owner's only (chmod 600 %1)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 is too large for a transfers file; it is replaced</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot read %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 cannot be used (%2); no transfer in it is resumed and it is replaced</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot save the outgoing transfers in %1: %2</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::SettingsDialog</name>
        <message>
            <source>Save files from verified peers in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the folder files from verified peers are saved in.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::TransferItem</name>
        <message>
            <source>This transfer is no longer listed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 offers you this file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting for %1 to accept.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Receiving: %1 of %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sending: %1 of %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paused at %1 of %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paused: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Received.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent: %1 has it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You declined it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 declined it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancelled by the sender, %1.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancelled by %1.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancelled.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Failed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Failed: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1, %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paused by you at %1 of %2</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::TransferItemWidget</name>
        <message>
            <source>File %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel the transfer of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Progress of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose where to save the file and receive it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline the file (the sender is told)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pause the transfer of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resume the transfer of %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pause</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pause the transfer; the peer sees that you paused it, and only you can resume it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resume</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go on from where it stopped</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::TransfersModel</name>
        <message>
            <source>%1 to %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 from %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Offered, %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting for %1 to accept, %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 of %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1, %2/s, %3 left</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paused, %1 of %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paused: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Done, %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Failed: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancelled: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paused by you, %1 of %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting for %1 to go on, %2 of %3</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::TransfersPanel</name>
        <message>
            <source>Save %1 in</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PeerLink::VerifyPeerDialog</name>
        <message>
            <source>%1 (%2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Verify %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 has no key on this hub (an older PeerLink, or no identity), so there is nothing to compare and messages with them are not end-to-end encrypted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You have no identity at the moment, so %1 cannot verify you and you cannot mark them verified. See PeerLink ▸ My identity.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Compare these numbers with %1 in person, or on a call where you know their voice: each of you reads out what the other's PeerLink shows. If both pairs match, mark %1 as verified. If they differ, someone may be in between: do not mark them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1's key changed: these are the numbers of the new key. Marking it verified also accepts it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1's fingerprint</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your fingerprint</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Mark as verified</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Remove the verified mark</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>PeerLink settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Default &amp;id:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Display &amp;name:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Start hosting a hub when PeerLink starts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show &amp;notifications for new messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Keep messages:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Messages older than this are deleted from the history, at start and once a day.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Forever</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> days</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send &amp;read receipts (peers see when you have read their messages)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Keep running in the tray when the window is closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Default hub &amp;addresses:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming &amp;files:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What PeerLink does when a peer offers you a file. Verified peers are those you marked verified (Verify…) for the key they have now; offers from other peers are still asked about.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Always ask</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept from verified peers into the folder below</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline all</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sa&amp;ve files in:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Files from verified peers are saved here. If the folder is missing or cannot be written to, PeerLink asks where to save instead.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Browse…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>TransfersPanel</name>
        <message>
            <source>File transfers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Accept…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept the offered file and choose where to save it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Decline</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Cancel transfer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Resume</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show in &amp;folder</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Pause</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pause the transfer; the peer sees that you paused it, and only you can resume it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go on with a transfer you paused, or one paused because the file could not be written</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>WelcomeDialog</name>
        <message>
            <source>Welcome to PeerLink</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose how others will see you. You can change it later in Settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your &amp;name:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your &amp;id:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your id</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How the hub and other peers address you: letters, digits, dots, dashes or underscores</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Host a hub for my group</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Join a hub</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>peerlink-cli: the hub's certificate is not trusted (%1).
Its SHA-256 fingerprint is %2; if the hub's operator confirms it, run again with --pin %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: no ack within %1 s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: dropped an input line of over %1 bytes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Peer id: 1 to 64 of A-Z a-z 0-9 . _ -</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Display name.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub password (or set PEERLINK_PASSWORD).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print each event as one JSON object per line.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send TEXT once, wait for the hub's ack and exit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>With --send: send to this peer only.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>With --send: give up after this many seconds (default 10).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where to accept direct links from peers (default 0.0.0.0:0: every interface, any port).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept no direct links: peers that connect to this one go through the hub, or are dialled.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Exit when the connection to the hub is lost, instead of reconnecting with backoff and resuming (messages not yet acknowledged are kept and sent again).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --hub URL and --id ID are required (see --help)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --hub takes a ws:// or wss:// URL (got "%1")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --to goes with --send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --timeout takes a whole number of seconds from 1 to 3600</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --listen takes ADDRESS:PORT such as 0.0.0.0:0 or 127.0.0.1:9100 (got "%1")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>With --identity: print the identity's fingerprint and exit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: cannot use the identity: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --show-identity needs --identity FILE</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep every message sent and received in FILE (SQLite); /history PEER [N] prints the last ones.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: history: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send no read receipts: peers are told a message was delivered, never that it was read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --hub: not a valid invitation (%1)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: this hub asks for a password: add --password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept every file offered into DIR (made if missing); without it offers are printed for /accept or /decline.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline files offered that are larger than this many bytes (default 17179869184, 16 GiB).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --max-file-size takes a number of bytes (got "%1")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub URL, e.g. ws://127.0.0.1:9000, or an invitation link (peerlink://join?…) from the hub's host (all its addresses). Repeat it for hubs to fail over to, in order: when the hub in use stops answering, the next one is tried at once and the session resumed there.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Give up on a hub that has not welcomed this peer within S seconds, and try the next one (default 10).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>While joined, ping the hub every S seconds; no answer within S more seconds and it counts as gone (default 15; 0: no pings).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>peerlink-cli: --%1 takes a whole number of seconds from %2 to 3600 (got "%3")</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For wss:// hubs: trust the certificate with this SHA-256 fingerprint (as peerlink-hub prints it), on every hub given (else an invitation's fingerprint holds for its addresses).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PeerLink headless peer. Reads commands from standard input, one a line:
  TEXT              send TEXT to every peer
  /to PEER TEXT     send TEXT to PEER only
  /join #ROOM       join ROOM (made, open, when it is not there; rooms need --identity)
  /leave #ROOM      leave ROOM
  /rooms            list the rooms you may see
  /members #ROOM    list ROOM's members and who is online
  /to #ROOM TEXT    send TEXT to ROOM's members (end to end, with sender keys)
  /create #ROOM [invite-only] [TOPIC]  make ROOM; /invite, /remove #ROOM PEER; /topic #ROOM [TOPIC]; /close #ROOM
  /connect PEER     make a direct link to PEER (the hub relays until it is up)
  /peers            list the joined peers
  /fingerprint [PEER]  show PEER's key fingerprint (or your own) to compare in person
  /trust PEER       accept PEER's changed key (messages to and from it are blocked until then)
  /send-file PEER PATH  offer the file at PATH to PEER (end to end; both need --identity)
  /accept ID [DIR]  accept the file offered as ID, into DIR (default: --accept-files or here)
  /decline ID       decline the file offered as ID
  /cancel ID        cancel the transfer ID (either side)
  /pause ID         pause the transfer ID (either side; the peer sees who paused it)
  /resume ID        go on with a transfer you paused, or one paused by a full disk
  /quit             leave (so does the end of input)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Join with the identity key in FILE (created on first use, owner-only): messages to peers with identities are end-to-end encrypted, broadcasts signed, direct links encrypted. Known peers' keys are kept in FILE.known, and files being sent in FILE.transfers (owner-only): started again with FILE, they go on.</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
