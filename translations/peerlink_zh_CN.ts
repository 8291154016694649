<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ConnectDialog</name>
        <message>
            <source>Connect to a hub</source>
            <translation>连接到枢纽</translation>
        </message>
        <message>
            <source>Your &amp;id:</source>
            <translation>你的 ID(&amp;I)：</translation>
        </message>
        <message>
            <source>Display &amp;name:</source>
            <translation>显示名称(&amp;N)：</translation>
        </message>
        <message>
            <source>optional</source>
            <translation>可选</translation>
        </message>
        <message>
            <source>Hub &amp;password:</source>
            <translation>枢纽密码(&amp;P)：</translation>
        </message>
        <message>
            <source>if the hub has one</source>
            <translation>如果枢纽设置了密码</translation>
        </message>
        <message>
            <source>&amp;Remember the password</source>
            <translation>记住密码(&amp;R)</translation>
        </message>
        <message>
            <source>Store it in &amp;plain text in the settings file</source>
            <translation>以明文保存在设置文件中(&amp;P)</translation>
        </message>
        <message>
            <source>Hubs on the local network</source>
            <translation>局域网中的枢纽</translation>
        </message>
        <message>
            <source>Hubs found on the local network</source>
            <translation>在局域网中找到的枢纽</translation>
        </message>
        <message>
            <source>Choose a hub to fill in its address</source>
            <translation>选择一个枢纽以填入它的地址</translation>
        </message>
        <message>
            <source>Hub &amp;addresses:</source>
            <translation>枢纽地址(&amp;A)：</translation>
        </message>
        <message>
            <source>One hub address or several, separated by spaces or commas: when the hub in use stops answering, PeerLink moves to the next one and carries on there.</source>
            <translation>一个或多个枢纽地址，用空格或逗号分隔：当前枢纽不再应答时，PeerLink 会转到下一个并在那里继续。</translation>
        </message>
    </context>
    <context>
        <name>HostDialog</name>
        <message>
            <source>Host a hub</source>
            <translation>托管枢纽</translation>
        </message>
        <message>
            <source>&amp;Reachable from:</source>
            <translation>可访问范围(&amp;R)：</translation>
        </message>
        <message>
            <source>&amp;Port:</source>
            <translation>端口(&amp;P)：</translation>
        </message>
        <message>
            <source>any free port</source>
            <translation>任意空闲端口</translation>
        </message>
        <message>
            <source>Hub &amp;name:</source>
            <translation>枢纽名称(&amp;N)：</translation>
        </message>
        <message>
            <source>Pass&amp;word:</source>
            <translation>密码(&amp;W)：</translation>
        </message>
        <message>
            <source>none: anyone who can reach it may join</source>
            <translation>无：任何能访问到的人都可以加入</translation>
        </message>
        <message>
            <source>TLS &amp;certificate:</source>
            <translation>TLS 证书(&amp;C)：</translation>
        </message>
        <message>
            <source>optional: a PEM file, for wss://</source>
            <translation>可选：PEM 文件，用于 wss://</translation>
        </message>
        <message>
            <source>TLS &amp;key:</source>
            <translation>TLS 私钥(&amp;K)：</translation>
        </message>
        <message>
            <source>its private key (PEM, unencrypted)</source>
            <translation>证书的私钥（PEM，未加密）</translation>
        </message>
        <message>
            <source>Peers at &amp;most:</source>
            <translation>最多节点数(&amp;M)：</translation>
        </message>
        <message>
            <source>Largest &amp;message:</source>
            <translation>最大消息(&amp;M)：</translation>
        </message>
        <message>
            <source> KiB</source>
            <translation> KiB</translation>
        </message>
        <message>
            <source>Messages per &amp;second per peer:</source>
            <translation>每个节点每秒消息数(&amp;S)：</translation>
        </message>
        <message>
            <source>Connections per &amp;address:</source>
            <translation>每个地址的连接数(&amp;A)：</translation>
        </message>
        <message>
            <source>M&amp;ore settings:</source>
            <translation>更多设置(&amp;O)：</translation>
        </message>
        <message>
            <source>Any other limit, as key = value lines like peerlink-hub's hub.conf, e.g. byte-rate = 262144</source>
            <translation>其他任何限制，按 peerlink-hub 的 hub.conf 格式写成 key = value 行，例如 byte-rate = 262144</translation>
        </message>
        <message>
            <source>More settings</source>
            <translation>更多设置</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Store it in &amp;plain text in the settings file</source>
            <translation>以明文保存在设置文件中(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Announce the hub on the local network</source>
            <translation>在局域网中公布此枢纽(&amp;A)</translation>
        </message>
        <message>
            <source>Others on this network then see it in their connect dialog (name, address, whether it needs a password)</source>
            <translation>这样同一网络中的其他人会在连接对话框中看到它（名称、地址、是否需要密码）</translation>
        </message>
    </context>
    <context>
        <name>HubPanel</name>
        <message>
            <source>Not hosting a hub.</source>
            <translation>未托管枢纽。</translation>
        </message>
        <message>
            <source>Others join with:</source>
            <translation>其他人通过以下地址加入：</translation>
        </message>
        <message>
            <source>&amp;Kick</source>
            <translation>踢出(&amp;K)</translation>
        </message>
        <message>
            <source>&amp;Ban</source>
            <translation>封禁(&amp;B)</translation>
        </message>
        <message>
            <source>&amp;Host a hub…</source>
            <translation>托管枢纽(&amp;H)…</translation>
        </message>
        <message>
            <source>S&amp;top hosting</source>
            <translation>停止托管(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Forget id…</source>
            <translation>遗忘 ID(&amp;F)…</translation>
        </message>
        <message>
            <source>Release an id bound to a key, for its owner who lost the key</source>
            <translation>解除 ID 与密钥的绑定，供丢失密钥的 ID 主人使用</translation>
        </message>
        <message>
            <source>Banned (kept for the next time you host):</source>
            <translation>已封禁（下次托管时仍然有效）：</translation>
        </message>
        <message>
            <source>&amp;Unban</source>
            <translation>解除封禁(&amp;U)</translation>
        </message>
        <message>
            <source>Peers on this hub</source>
            <translation>此中心上的节点</translation>
        </message>
        <message>
            <source>Banned peers</source>
            <translation>被封禁的节点</translation>
        </message>
        <message>
            <source>&amp;Copy invitation</source>
            <translation>复制邀请(&amp;C)</translation>
        </message>
        <message>
            <source>Copy a peerlink:// link that friends open (or scan as the QR code below) to join this hub</source>
            <translation>复制一个 peerlink:// 链接，朋友打开它（或扫描下面的二维码）即可加入此中心</translation>
        </message>
        <message>
            <source>Invitation QR code</source>
            <translation>邀请二维码</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>PeerLink</source>
            <translation>PeerLink</translation>
        </message>
        <message>
            <source>Peers</source>
            <translation>节点</translation>
        </message>
        <message>
            <source>Everyone</source>
            <translation>所有人</translation>
        </message>
        <message>
            <source>A peer asks to connect to you.</source>
            <translation>有节点请求与你连接。</translation>
        </message>
        <message>
            <source>&amp;Accept</source>
            <translation>接受(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Decline</source>
            <translation>拒绝(&amp;D)</translation>
        </message>
        <message>
            <source>Type a message; Enter sends, Shift+Enter starts a new line</source>
            <translation>输入消息；按 Enter 发送，Shift+Enter 换行</translation>
        </message>
        <message>
            <source>&amp;Send</source>
            <translation>发送(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;PeerLink</source>
            <translation>PeerLink(&amp;P)</translation>
        </message>
        <message>
            <source>P&amp;eers</source>
            <translation>节点(&amp;E)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>查看(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>Toolbar</source>
            <translation>工具栏</translation>
        </message>
        <message>
            <source>&amp;Connect to a hub…</source>
            <translation>连接到枢纽(&amp;C)…</translation>
        </message>
        <message>
            <source>Ctrl+K</source>
            <translation>Ctrl+K</translation>
        </message>
        <message>
            <source>&amp;Disconnect</source>
            <translation>断开连接(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Host a hub</source>
            <translation>托管枢纽(&amp;H)</translation>
        </message>
        <message>
            <source>Start a hub on this computer and join it</source>
            <translation>在本机启动一个枢纽并加入</translation>
        </message>
        <message>
            <source>Ctrl+H</source>
            <translation>Ctrl+H</translation>
        </message>
        <message>
            <source>Hosting &amp;options…</source>
            <translation>托管选项(&amp;O)…</translation>
        </message>
        <message>
            <source>S&amp;top hosting</source>
            <translation>停止托管(&amp;T)</translation>
        </message>
        <message>
            <source>S&amp;ettings…</source>
            <translation>设置(&amp;E)…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>Ctrl+Q</source>
            <translation>Ctrl+Q</translation>
        </message>
        <message>
            <source>Connect to &amp;peer</source>
            <translation>连接到节点(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Kick from my hub</source>
            <translation>从我的枢纽踢出(&amp;K)</translation>
        </message>
        <message>
            <source>&amp;Hub panel</source>
            <translation>枢纽面板(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;About PeerLink</source>
            <translation>关于 PeerLink(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Verify…</source>
            <translation>验证(&amp;V)…</translation>
        </message>
        <message>
            <source>Accept the &amp;new key</source>
            <translation>接受新密钥(&amp;N)</translation>
        </message>
        <message>
            <source>My &amp;identity…</source>
            <translation>我的身份(&amp;I)…</translation>
        </message>
        <message>
            <source>Your fingerprint, for peers who want to verify you</source>
            <translation>你的指纹，供想要验证你的节点核对</translation>
        </message>
        <message>
            <source>Compare this peer's fingerprint with yours in person and mark them verified</source>
            <translation>当面核对此节点与你的指纹，并将其标记为已验证</translation>
        </message>
        <message>
            <source>Peers and conversations</source>
            <translation>节点与会话</translation>
        </message>
        <message>
            <source>The messages of the conversation shown, oldest first</source>
            <translation>当前会话的消息，从最早的开始</translation>
        </message>
        <message>
            <source>Messages of the conversation</source>
            <translation>会话消息</translation>
        </message>
    </context>
    <context>
        <name>PartFile</name>
        <message>
            <source>cannot make the folder %1</source>
            <translation>无法创建文件夹 %1</translation>
        </message>
        <message>
            <source>cannot write %1: %2</source>
            <translation>无法写入 %1：%2</translation>
        </message>
        <message>
            <source>cannot read %1: %2</source>
            <translation>无法读取 %1：%2</translation>
        </message>
        <message>
            <source>the SHA-256 of the received file does not match the offered one</source>
            <translation>收到文件的 SHA-256 与对方提供的不一致</translation>
        </message>
        <message>
            <source>cannot rename %1 to %2: %3</source>
            <translation>无法将 %1 重命名为 %2：%3</translation>
        </message>
        <message>
            <source>the disk is full: %1 more bytes are needed in %2 for %3</source>
            <translation>磁盘已满：%2 中还需要 %1 字节来接收 %3</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::AppOptions</name>
        <message>
            <source>PeerLink: peer-to-peer messaging. Host a hub or join one.</source>
            <translation>PeerLink：点对点消息。托管一个枢纽，或加入一个枢纽。</translation>
        </message>
        <message>
            <source>Show this help.</source>
            <translation>显示此帮助。</translation>
        </message>
        <message>
            <source>Show the version.</source>
            <translation>显示版本。</translation>
        </message>
        <message>
            <source>Start hosting a hub on launch.</source>
            <translation>启动时开始托管枢纽。</translation>
        </message>
        <message>
            <source>Port for --host (default: the one in the settings).</source>
            <translation>--host 使用的端口（默认：设置中的端口）。</translation>
        </message>
        <message>
            <source>Peer id to join as.</source>
            <translation>加入时使用的节点 ID。</translation>
        </message>
        <message>
            <source>Display name.</source>
            <translation>显示名称。</translation>
        </message>
        <message>
            <source>Hub password for --hub, or for the hub started by --host.</source>
            <translation>--hub 的枢纽密码，或 --host 启动的枢纽的密码。</translation>
        </message>
        <message>
            <source>Save screenshots into DIR after a few seconds, then quit.</source>
            <translation>几秒后将截图保存到 DIR，然后退出。</translation>
        </message>
        <message>
            <source>Milliseconds to wait before --screenshots.</source>
            <translation>--screenshots 之前等待的毫秒数。</translation>
        </message>
        <message>
            <source>unexpected argument "%1" (see --help)</source>
            <translation>意外的参数“%1”（参见 --help）</translation>
        </message>
        <message>
            <source>--port takes a number from 0 to 65535 (got "%1")</source>
            <translation>--port 需要 0 到 65535 之间的数字（收到“%1”）</translation>
        </message>
        <message>
            <source>--port goes with --host</source>
            <translation>--port 需要与 --host 一起使用</translation>
        </message>
        <message>
            <source>--hub takes a ws:// or wss:// URL (got "%1")</source>
            <translation>--hub 需要 ws:// 或 wss:// 地址（收到“%1”）</translation>
        </message>
        <message>
            <source>--hub and --host exclude each other</source>
            <translation>--hub 与 --host 不能同时使用</translation>
        </message>
        <message>
            <source>--id takes 1 to 64 of A-Z a-z 0-9 . _ - (got "%1")</source>
            <translation>--id 需要 1 到 64 个 A-Z a-z 0-9 . _ - 字符（收到“%1”）</translation>
        </message>
        <message>
            <source>--name takes at most 64 printable characters</source>
            <translation>--name 最多 64 个可打印字符</translation>
        </message>
        <message>
            <source>--screenshot-delay takes milliseconds</source>
            <translation>--screenshot-delay 需要毫秒数</translation>
        </message>
        <message>
            <source>An invitation link (peerlink://join?…) to open.</source>
            <translation>要打开的邀请链接（peerlink://join?…）。</translation>
        </message>
        <message>
            <source>not a valid invitation link: %1</source>
            <translation>不是有效的邀请链接：%1</translation>
        </message>
        <message>
            <source>an invitation and --host exclude each other</source>
            <translation>邀请与 --host 不能同时使用</translation>
        </message>
        <message>
            <source>With --screenshots, wait until N other peers are online.</source>
            <translation>与 --screenshots 一起使用：等到有 N 个其他节点在线。</translation>
        </message>
        <message>
            <source>With --screenshots, say TEXT to everyone once joined.</source>
            <translation>与 --screenshots 一起使用：加入后向所有人发送 TEXT。</translation>
        </message>
        <message>
            <source>Use a light or dark palette of PeerLink's own (light, dark).</source>
            <translation>使用 PeerLink 自带的浅色或深色配色（light、dark）。</translation>
        </message>
        <message>
            <source>--screenshot-peers takes a number of peers</source>
            <translation>--screenshot-peers 需要一个节点数量</translation>
        </message>
        <message>
            <source>--palette takes light or dark</source>
            <translation>--palette 需要 light 或 dark</translation>
        </message>
        <message>
            <source>Connect to this hub on launch, e.g. ws://192.168.1.5:9000, or open an invitation link (peerlink://join?…). Repeat it for hubs to move to, in order, when the one in use stops answering.</source>
            <translation>启动时连接到此枢纽，例如 ws://192.168.1.5:9000，或打开邀请链接（peerlink://join?…）。可重复给出，作为当前枢纽不再应答时按顺序转移到的枢纽。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::AvahiDiscovery</name>
        <message>
            <source>The Avahi daemon is not running on this computer, so hubs on the local network cannot be listed (and a hosted hub is not announced). Type the hub's address or open an invitation instead.</source>
            <translation>本机没有运行 Avahi 守护进程，因此无法列出局域网中的枢纽（托管的枢纽也不会被公布）。请改为输入枢纽地址或打开邀请链接。</translation>
        </message>
        <message>
            <source>Hubs on the local network cannot be listed: Avahi says "%1". Type the hub's address or open an invitation instead.</source>
            <translation>无法列出局域网中的枢纽：Avahi 报告“%1”。请改为输入枢纽地址或打开邀请链接。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::ChatController</name>
        <message>
            <source>Everyone</source>
            <translation>所有人</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <source>you disconnected</source>
            <translation>你已断开连接</translation>
        </message>
        <message>
            <source>You are not connected to a hub.</source>
            <translation>你尚未连接到枢纽。</translation>
        </message>
        <message>
            <source>%1 is offline; the message was not sent.</source>
            <translation>%1 不在线；消息未发送。</translation>
        </message>
        <message>
            <source>the connection was lost</source>
            <translation>连接已丢失</translation>
        </message>
        <message>
            <source>Could not reach the hub at %1: %2</source>
            <translation>无法访问位于 %1 的枢纽：%2</translation>
        </message>
        <message>
            <source>%1 to everyone</source>
            <translation>%1 对所有人</translation>
        </message>
        <message>
            <source>Not connected</source>
            <translation>未连接</translation>
        </message>
        <message>
            <source>Disconnected: %1</source>
            <translation>已断开：%1</translation>
        </message>
        <message>
            <source>Connecting to %1…</source>
            <translation>正在连接 %1…</translation>
        </message>
        <message>
            <source>Joining %1 as %2…</source>
            <translation>正在以 %2 身份加入 %1…</translation>
        </message>
        <message>
            <source>Connected as %1 to %2</source>
            <translation>已以 %1 身份连接到 %2</translation>
        </message>
        <message>
            <source>Reconnecting to %1 (attempt %2)… Lost the connection: %3</source>
            <translation>正在重新连接 %1（第 %2 次尝试）… 连接丢失原因：%3</translation>
        </message>
        <message>
            <source>%1 — direct link</source>
            <translation>%1 — 直接连接</translation>
        </message>
        <message>
            <source>%1 — connecting directly…</source>
            <translation>%1 — 正在建立直接连接…</translation>
        </message>
        <message>
            <source>%1 — through the hub</source>
            <translation>%1 — 经由枢纽</translation>
        </message>
        <message>
            <source>the hub's certificate is not trusted</source>
            <translation>枢纽的证书不受信任</translation>
        </message>
        <message>
            <source>%1 — key changed!</source>
            <translation>%1 — 密钥已更改！</translation>
        </message>
        <message>
            <source>%1 ✓ verified</source>
            <translation>%1 ✓ 已验证</translation>
        </message>
        <message>
            <source>%1's key changed</source>
            <translation>%1 的密钥已更改</translation>
        </message>
        <message>
            <source>%1 came back without the key you know them by (an older PeerLink, or no identity), which is also what someone posing as them would look like. Nothing is sent to %1 and nothing from them is shown until you accept this; ask them in person first.</source>
            <translation>%1 回来时没有带着你所知道的密钥（较旧的 PeerLink，或没有身份），有人冒充对方时看起来也是这样。在你接受之前，不会向 %1 发送任何消息，也不会显示来自对方的任何消息；请先当面问问对方。</translation>
        </message>
        <message>
            <source>%1's key changed. This happens when they reinstall PeerLink or use another computer, but it is also what someone posing as them would look like. Nothing is sent to %1 and nothing from them is shown until you accept the new key; compare fingerprints with them first (Verify…).</source>
            <translation>%1 的密钥已更改。对方重装 PeerLink 或换了电脑时会这样，但有人冒充对方时看起来也是这样。在你接受新密钥之前，不会向 %1 发送任何消息，也不会显示来自对方的任何消息；请先与对方核对指纹（验证…）。</translation>
        </message>
        <message>
            <source>Sending to %1 is paused: their key changed. Accept the new key to send again.</source>
            <translation>已暂停向 %1 发送：对方的密钥已更改。接受新密钥后即可再次发送。</translation>
        </message>
        <message>
            <source>There is no message history to export.</source>
            <translation>没有可导出的消息记录。</translation>
        </message>
        <message>
            <source>%1 cannot be written: %2</source>
            <translation>无法写入 %1：%2</translation>
        </message>
        <message>
            <source>%1 removed you from the room #%2.</source>
            <translation>%1 把你移出了房间 #%2。</translation>
        </message>
        <message>
            <source>The room #%1 was closed.</source>
            <translation>房间 #%1 已关闭。</translation>
        </message>
        <message>
            <source>Invitation</source>
            <translation>邀请</translation>
        </message>
        <message>
            <source>%1 invites you to the room #%2.</source>
            <translation>%1 邀请你加入房间 #%2。</translation>
        </message>
        <message>
            <source>Rooms are end to end: they need an identity (PeerLink ▸ My identity).</source>
            <translation>房间是端到端加密的：需要身份密钥（PeerLink ▸ 我的身份）。</translation>
        </message>
        <message>
            <source>A room's name is 1 to 64 letters, digits, dots, dashes or underscores.</source>
            <translation>房间名为 1 到 64 个字母、数字、点、连字符或下划线。</translation>
        </message>
        <message>
            <source>%1 in %2</source>
            <translation>%1 在 %2</translation>
        </message>
        <message>
            <source>%1 — you are not in it</source>
            <translation>%1 — 你不在其中</translation>
        </message>
        <message numerus="yes">
            <source>%n member(s): %1</source>
            <translation>
                <numerusform>%n 名成员：%1</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>%1 — %2 — %3</source>
            <translation>%1 — %2 — %3</translation>
        </message>
        <message>
            <source>You are not in the room %1 now; join it to send.</source>
            <translation>你现在不在房间 %1 中；请加入后再发送。</translation>
        </message>
        <message>
            <source>A topic is at most 256 characters on one line.</source>
            <translation>主题最多 256 个字符，且只能一行。</translation>
        </message>
        <message>
            <source>That is not a peer id: use 1 to 64 letters, digits, dots, dashes or underscores.</source>
            <translation>这不是节点 ID：请使用 1 到 64 个字母、数字、点、连字符或下划线。</translation>
        </message>
        <message>
            <source>You are no longer in the room #%1 (removed, or it was closed, while you were away).</source>
            <translation>你已不在房间 #%1 中（在你离开期间被移出，或房间已关闭）。</translation>
        </message>
        <message>
            <source>File offered</source>
            <translation>收到文件</translation>
        </message>
        <message>
            <source>%1 offers %2 (%3).</source>
            <translation>%1 想发送 %2（%3）。</translation>
        </message>
        <message>
            <source>File received</source>
            <translation>文件已接收</translation>
        </message>
        <message>
            <source>%1 from %2</source>
            <translation>%1 来自 %2</translation>
        </message>
        <message>
            <source>Could not reach any of the hubs (%1): %2</source>
            <translation>无法连接任何一个枢纽（%1）：%2</translation>
        </message>
        <message>
            <source>Lost the connection to %1: %2. Trying the next hub…</source>
            <translation>与 %1 的连接已断开：%2。正在尝试下一个枢纽…</translation>
        </message>
        <message>
            <source>— moved here when %1 stopped answering</source>
            <translation>— 因 %1 不再应答而转移至此</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::CliFiles</name>
        <message>
            <source>! transfer %1 paused: %2 (free some space, then /resume %1)</source>
            <translation>! 传输 %1 已暂停：%2（请释放一些空间，然后执行 /resume %1）</translation>
        </message>
        <message>
            <source>! a chunk of %1 did not verify (changed on the way); it is sent again</source>
            <translation>! %1 的一个数据块校验失败（传输途中被改动）；将重新发送</translation>
        </message>
        <message>
            <source>/send-file PEER PATH</source>
            <translation>/send-file 节点 路径</translation>
        </message>
        <message>
            <source>* offered %1 (%2 bytes) to %3 as %4</source>
            <translation>* 已向 %3 提供 %1（%2 字节），编号 %4</translation>
        </message>
        <message>
            <source>/accept ID [DIR]: ID names a file offered to you</source>
            <translation>/accept 编号 [目录]：编号须为别人向你提供的文件</translation>
        </message>
        <message>
            <source>/decline ID: ID names a file offered to you</source>
            <translation>/decline 编号：编号须为别人向你提供的文件</translation>
        </message>
        <message>
            <source>/cancel ID: ID names a transfer under way</source>
            <translation>/cancel 编号：编号须为进行中的传输</translation>
        </message>
        <message>
            <source>* %1 offers %2 (%3 bytes): /accept %4 [DIR] or /decline %4</source>
            <translation>* %1 向你提供 %2（%3 字节）：/accept %4 [目录] 或 /decline %4</translation>
        </message>
        <message>
            <source>* %1 offers %2 (%3 bytes), accepted into %4</source>
            <translation>* %1 向你提供 %2（%3 字节），已接收到 %4</translation>
        </message>
        <message>
            <source>* %1: %2 of %3 bytes</source>
            <translation>* %1：%2 / %3 字节</translation>
        </message>
        <message>
            <source>* received %1 from %2: %3 (SHA-256 %4)</source>
            <translation>* 已收到来自 %2 的 %1：%3（SHA-256 %4）</translation>
        </message>
        <message>
            <source>* %1 has %2 (SHA-256 %3)</source>
            <translation>* %1 已收到 %2（SHA-256 %3）</translation>
        </message>
        <message>
            <source>! transfer %1 of %2 failed: %3</source>
            <translation>! %2 的传输 %1 失败：%3</translation>
        </message>
        <message>
            <source>* transfer %1 goes on from %2 of %3 bytes</source>
            <translation>* 传输 %1 从第 %2 / %3 字节处继续</translation>
        </message>
        <message>
            <source>/pause ID: ID names a transfer under way</source>
            <translation>/pause 编号：编号须为进行中的传输</translation>
        </message>
        <message>
            <source>/resume ID: ID names a transfer you paused (or a full disk did); a pause the peer made is the peer's to resume</source>
            <translation>/resume 编号：编号须为你暂停的传输（或因磁盘已满而暂停的传输）；对方暂停的传输只能由对方继续</translation>
        </message>
        <message>
            <source>* transfer %1 paused by you (/resume %1 goes on)</source>
            <translation>* 传输 %1 已由你暂停（执行 /resume %1 继续）</translation>
        </message>
        <message>
            <source>* transfer %1 paused by %2: %3 (%2 resumes it; /cancel %1 ends it)</source>
            <translation>* 传输 %1 已被 %2 暂停：%3（由 %2 继续；执行 /cancel %1 可结束）</translation>
        </message>
        <message>
            <source>* going on with %1 to %2 as %3 (%4 of %5 bytes acknowledged before), when %2 is there</source>
            <translation>* 待 %2 在线时继续向其发送 %1（传输 %3，此前已确认 %5 字节中的 %4 字节）</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::CliPeer</name>
        <message>
            <source>* %1 joined</source>
            <translation>* %1 已加入</translation>
        </message>
        <message>
            <source>* %1 (%2) joined</source>
            <translation>* %1（%2）已加入</translation>
        </message>
        <message>
            <source>* %1 left</source>
            <translation>* %1 已离开</translation>
        </message>
        <message>
            <source>* %1: direct link</source>
            <translation>* %1：直接连接</translation>
        </message>
        <message>
            <source>* %1: connecting directly…</source>
            <translation>* %1：正在建立直接连接…</translation>
        </message>
        <message>
            <source>* %1: through the hub</source>
            <translation>* %1：经由枢纽</translation>
        </message>
        <message>
            <source>* %1 asks to connect to you</source>
            <translation>* %1 请求与你连接</translation>
        </message>
        <message>
            <source>%1 &lt;%2&gt; %3</source>
            <translation>%1 &lt;%2&gt; %3</translation>
        </message>
        <message>
            <source>%1 &lt;%2 to you&gt; %3</source>
            <translation>%1 &lt;%2 对你&gt; %3</translation>
        </message>
        <message>
            <source>* joined "%1" as %2; peers: %3</source>
            <translation>* 已以 %2 身份加入“%1”；节点：%3</translation>
        </message>
        <message>
            <source>* disconnected: %1</source>
            <translation>* 已断开：%1</translation>
        </message>
        <message>
            <source>peerlink-cli: could not send: %1</source>
            <translation>peerlink-cli：无法发送：%1</translation>
        </message>
        <message>
            <source>! %1: %2</source>
            <translation>! %1：%2</translation>
        </message>
        <message>
            <source>! %1 (%2): %3</source>
            <translation>! %1（%2）：%3</translation>
        </message>
        <message>
            <source>peerlink-cli: %1: %2</source>
            <translation>peerlink-cli：%1：%2</translation>
        </message>
        <message>
            <source>peerlink-cli: cannot join (%1): %2</source>
            <translation>peerlink-cli：无法加入（%1）：%2</translation>
        </message>
        <message>
            <source>/to PEER TEXT</source>
            <translation>/to 节点 文本</translation>
        </message>
        <message>
            <source>/connect PEER</source>
            <translation>/connect 节点</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>* peers: %1</source>
            <translation>* 节点：%1</translation>
        </message>
        <message>
            <source>* reconnecting in %1 ms (attempt %2)</source>
            <translation>* %1 毫秒后重新连接（第 %2 次尝试）</translation>
        </message>
        <message>
            <source>%1 &lt;%2, signed&gt; %3</source>
            <translation>%1 &lt;%2，已签名&gt; %3</translation>
        </message>
        <message>
            <source>%1 &lt;%2 to you, encrypted&gt; %3</source>
            <translation>%1 &lt;%2 发给你，已加密&gt; %3</translation>
        </message>
        <message>
            <source>! the key of %1 changed (was %2, now %3); nothing goes to or comes from it until /trust %1</source>
            <translation>! %1 的密钥已变更（原为 %2，现为 %3）；在执行 /trust %1 之前，不向其发送也不接收其任何消息</translation>
        </message>
        <message>
            <source>no key</source>
            <translation>无密钥</translation>
        </message>
        <message>
            <source>* your fingerprint: %1</source>
            <translation>* 你的指纹：%1</translation>
        </message>
        <message>
            <source>* fingerprint of %1: %2</source>
            <translation>* %1 的指纹：%2</translation>
        </message>
        <message>
            <source>/trust PEER</source>
            <translation>/trust 节点</translation>
        </message>
        <message>
            <source>%1 has no changed key to trust</source>
            <translation>%1 没有需要信任的已变更密钥</translation>
        </message>
        <message>
            <source>* trusted the new key of %1</source>
            <translation>* 已信任 %1 的新密钥</translation>
        </message>
        <message>
            <source>* stored on the hub for later %1</source>
            <translation>* 已存放在中心节点，稍后送达 %1</translation>
        </message>
        <message>
            <source>no history is kept: start with --history FILE</source>
            <translation>未保存历史记录：请使用 --history FILE 启动</translation>
        </message>
        <message>
            <source>* no messages with %1</source>
            <translation>* 没有与 %1 的消息</translation>
        </message>
        <message numerus="yes">
            <source>* the last %n message(s) with %1:</source>
            <translation>
                <numerusform>* 与 %1 的最近 %n 条消息：</numerusform>
            </translation>
        </message>
        <message>
            <source>* %1 has %2</source>
            <translation>* %1 已收到 %2</translation>
        </message>
        <message>
            <source>* %1 read %2</source>
            <translation>* %1 已读 %2</translation>
        </message>
        <message>
            <source>* sent %1</source>
            <translation>* 已发送 %1</translation>
        </message>
        <message>
            <source>/history PEER [N] (N from 1 to 10000; PEER * for Everyone, #ROOM for a room)</source>
            <translation>/history 节点 [N]（N 为 1 到 10000；节点写 * 表示所有人，写 #房间 表示房间）</translation>
        </message>
        <message>
            <source>* moved to hub %1</source>
            <translation>* 已转移到枢纽 %1</translation>
        </message>
        <message>
            <source>unknown command %1; commands: /to PEER TEXT, /to #ROOM TEXT, /join #ROOM, /leave #ROOM, /rooms, /members #ROOM, /create #ROOM, /invite #ROOM PEER, /remove #ROOM PEER, /topic #ROOM, /close #ROOM, /connect PEER, /peers, /fingerprint [PEER], /trust PEER, /history PEER [N], /send-file PEER PATH, /accept ID [DIR], /decline ID, /cancel ID, /pause ID, /resume ID, /quit</source>
            <translation>未知命令 %1；可用命令：/to 节点 文本、/to #房间 文本、/join #房间、/leave #房间、/rooms、/members #房间、/create #房间、/invite #房间 节点、/remove #房间 节点、/topic #房间、/close #房间、/connect 节点、/peers、/fingerprint [节点]、/trust 节点、/history 节点 [N]、/send-file 节点 路径、/accept 编号 [目录]、/decline 编号、/cancel 编号、/pause 编号、/resume 编号、/quit</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::CliRooms</name>
        <message>
            <source>* you are in #%1 (%2); members: %3</source>
            <translation>* 你已在 #%1 中（%2）；成员：%3</translation>
        </message>
        <message>
            <source>no topic</source>
            <translation>无主题</translation>
        </message>
        <message>
            <source>* %1 joined #%2</source>
            <translation>* %1 加入了 #%2</translation>
        </message>
        <message>
            <source>* %1 removed you from #%2</source>
            <translation>* %1 把你移出了 #%2</translation>
        </message>
        <message>
            <source>* #%1 was closed</source>
            <translation>* #%1 已关闭</translation>
        </message>
        <message>
            <source>* you left #%1</source>
            <translation>* 你离开了 #%1</translation>
        </message>
        <message>
            <source>* %1 was removed from #%2</source>
            <translation>* %1 被移出了 #%2</translation>
        </message>
        <message>
            <source>* %1 left #%2</source>
            <translation>* %1 离开了 #%2</translation>
        </message>
        <message>
            <source>%1 #%2 &lt;%3&gt; %4</source>
            <translation>%1 #%2 &lt;%3&gt; %4</translation>
        </message>
        <message>
            <source>* %1 invites you to #%2 (/join #%2)</source>
            <translation>* %1 邀请你加入 #%2（/join #%2）</translation>
        </message>
        <message>
            <source>* %1 set the topic of #%2: %3</source>
            <translation>* %1 把 #%2 的主题设为：%3</translation>
        </message>
        <message numerus="yes">
            <source>#%1 (%n member(s))</source>
            <translation>
                <numerusform>#%1（%n 名成员）</numerusform>
            </translation>
        </message>
        <message>
            <source>, you are in it</source>
            <translation>，你在其中</translation>
        </message>
        <message>
            <source>, you are invited</source>
            <translation>，你已受邀</translation>
        </message>
        <message>
            <source>* no rooms</source>
            <translation>* 没有房间</translation>
        </message>
        <message>
            <source>* rooms:</source>
            <translation>* 房间：</translation>
        </message>
        <message>
            <source>%1 (away)</source>
            <translation>%1（离开）</translation>
        </message>
        <message>
            <source>* members of #%1: %2</source>
            <translation>* #%1 的成员：%2</translation>
        </message>
        <message>
            <source>/to #ROOM TEXT</source>
            <translation>/to #房间 文本</translation>
        </message>
        <message>
            <source>/join #ROOM</source>
            <translation>/join #房间</translation>
        </message>
        <message>
            <source>/leave #ROOM</source>
            <translation>/leave #房间</translation>
        </message>
        <message>
            <source>/members #ROOM</source>
            <translation>/members #房间</translation>
        </message>
        <message>
            <source>/create #ROOM [invite-only] [TOPIC]</source>
            <translation>/create #房间 [invite-only] [主题]</translation>
        </message>
        <message>
            <source>/invite #ROOM PEER</source>
            <translation>/invite #房间 节点</translation>
        </message>
        <message>
            <source>/remove #ROOM PEER</source>
            <translation>/remove #房间 节点</translation>
        </message>
        <message>
            <source>/topic #ROOM [TOPIC]</source>
            <translation>/topic #房间 [主题]</translation>
        </message>
        <message>
            <source>/close #ROOM</source>
            <translation>/close #房间</translation>
        </message>
        <message>
            <source>* you are no longer in #%1 (removed or closed while away)</source>
            <translation>* 你已不在 #%1 中（离开期间被移出或房间已关闭）</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::ConnectDialog</name>
        <message>
            <source>An id is 1 to 64 letters, digits, dots, dashes or underscores, with no spaces.</source>
            <translation>ID 由 1 到 64 个字母、数字、点、连字符或下划线组成，不能有空格。</translation>
        </message>
        <message>
            <source>A display name is at most 64 characters, on one line.</source>
            <translation>显示名称最多 64 个字符，且只能有一行。</translation>
        </message>
        <message>
            <source>This hub asks for a password: its host can tell you.</source>
            <translation>此中心需要密码：可以向它的主持人询问。</translation>
        </message>
        <message>
            <source>Hubs on the local network are not looked for.</source>
            <translation>不查找局域网中的枢纽。</translation>
        </message>
        <message>
            <source>Choose a hub to fill in its address:</source>
            <translation>选择一个枢纽以填入它的地址：</translation>
        </message>
        <message>
            <source>Looking for hubs on the local network… none found yet.</source>
            <translation>正在查找局域网中的枢纽…暂未找到。</translation>
        </message>
        <message>
            <source>A remembered password is kept in the system keychain.</source>
            <translation>记住的密码保存在系统钥匙串中。</translation>
        </message>
        <message>
            <source>No system keychain (such as GNOME Keyring or KWallet) answers: the password is remembered only if you allow it in plain text in PeerLink's settings file.</source>
            <translation>没有可用的系统钥匙串（例如 GNOME 密钥环或 KWallet）：只有在您允许以明文保存在 PeerLink 的设置文件中时，才会记住密码。</translation>
        </message>
        <message>
            <source>Looking for the system keychain…</source>
            <translation>正在查找系统钥匙串…</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::ConversationModel</name>
        <message>
            <source>You</source>
            <translation>你</translation>
        </message>
        <message>
            <source>  (sending…)</source>
            <translation>  （发送中…）</translation>
        </message>
        <message>
            <source>  (not delivered)</source>
            <translation>  （未送达）</translation>
        </message>
        <message>
            <source>Waiting for the hub to confirm</source>
            <translation>等待枢纽确认</translation>
        </message>
        <message>
            <source>Delivered at %1</source>
            <translation>送达于 %1</translation>
        </message>
        <message>
            <source>Not delivered: %1</source>
            <translation>未送达：%1</translation>
        </message>
        <message>
            <source>From %1 at %2</source>
            <translation>来自 %1，时间 %2</translation>
        </message>
        <message>
            <source>End-to-end encrypted: only you and %1 can read it.</source>
            <translation>端到端加密：只有你和 %1 能阅读。</translation>
        </message>
        <message>
            <source>PeerLink closed before the hub confirmed it</source>
            <translation>PeerLink 在枢纽确认之前就已关闭</translation>
        </message>
        <message>
            <source>Not delivered</source>
            <translation>未送达</translation>
        </message>
        <message>
            <source>Sent at %1</source>
            <translation>发送于 %1</translation>
        </message>
        <message>
            <source>Delivered</source>
            <translation>已送达</translation>
        </message>
        <message>
            <source>  (kept by the hub until the peer is back)</source>
            <translation>  （枢纽代为保存，待对方上线后送达）</translation>
        </message>
        <message>
            <source>The peer is away: the hub keeps the message, sealed end to end, and hands it on when the peer is back.</source>
            <translation>对方不在线：枢纽保存这条端到端加密的消息，待对方回来后转交。</translation>
        </message>
        <message>
            <source>  ✓✓ read</source>
            <translation>  ✓✓ 已读</translation>
        </message>
        <message>
            <source>The hub passed it on; no receipt from the peer yet.</source>
            <translation>中心已转发；尚未收到对方的回执。</translation>
        </message>
        <message>
            <source>Read</source>
            <translation>已读</translation>
        </message>
        <message>
            <source>file %1 (%2)</source>
            <translation>文件 %1（%2）</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::DirectLinks</name>
        <message>
            <source>Cannot listen for direct links on %1: %2</source>
            <translation>无法在 %1 上监听直接连接：%2</translation>
        </message>
        <message>
            <source>%1 gave no address to dial</source>
            <translation>%1 没有提供可拨号的地址</translation>
        </message>
        <message>
            <source>timed out</source>
            <translation>超时</translation>
        </message>
        <message>
            <source>a bad frame during authentication</source>
            <translation>认证期间收到错误的帧</translation>
        </message>
        <message>
            <source>the other side could not prove it is %1</source>
            <translation>对方无法证明自己是 %1</translation>
        </message>
        <message>
            <source>%1 could not prove the introduction</source>
            <translation>%1 无法证明这次引荐</translation>
        </message>
        <message>
            <source>unexpected "%1" during authentication</source>
            <translation>认证期间收到意外的“%1”</translation>
        </message>
        <message>
            <source>no introduction %1 for %2</source>
            <translation>没有给 %2 的引荐 %1</translation>
        </message>
        <message>
            <source>the link closed</source>
            <translation>直连已关闭</translation>
        </message>
        <message>
            <source>no answer to keepalives</source>
            <translation>保活检测无响应</translation>
        </message>
        <message>
            <source>replaced by a new link</source>
            <translation>已被新的连接取代</translation>
        </message>
        <message>
            <source>a frame on the link failed verification</source>
            <translation>直连上的一帧未通过校验</translation>
        </message>
        <message>
            <source>a bad key during authentication</source>
            <translation>认证过程中收到无效密钥</translation>
        </message>
        <message>
            <source>%1 could not prove the key it joined the hub with</source>
            <translation>%1 无法证明其加入枢纽时使用的密钥</translation>
        </message>
        <message>
            <source>%1 did not prove the key it joined the hub with</source>
            <translation>%1 未证明其加入枢纽时使用的密钥</translation>
        </message>
        <message>
            <source>a binary frame that is not a file chunk</source>
            <translation>一个不是文件块的二进制帧</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::DirectPaths</name>
        <message>
            <source>not accepting direct connections</source>
            <translation>不接受直接连接</translation>
        </message>
        <message>
            <source>%1 left before the direct link was made.</source>
            <translation>%1 在直接连接建立之前离开了。</translation>
        </message>
        <message>
            <source>%1 left the hub</source>
            <translation>%1 离开了枢纽</translation>
        </message>
        <message>
            <source>left the hub</source>
            <translation>已离开枢纽</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::ErrorText</name>
        <message>
            <source>The hub reported an error (%1).</source>
            <translation>枢纽报告了一个错误（%1）。</translation>
        </message>
        <message>
            <source>The hub did not understand a request from this app (%1).</source>
            <translation>枢纽无法理解本应用的请求（%1）。</translation>
        </message>
        <message>
            <source>You are not connected to a hub yet.</source>
            <translation>你还没有连接到枢纽。</translation>
        </message>
        <message>
            <source>You are already connected.</source>
            <translation>你已经连接了。</translation>
        </message>
        <message>
            <source>That id is not allowed: use 1 to 64 letters, digits, dots, dashes or underscores.</source>
            <translation>该 ID 不允许：请使用 1 到 64 个字母、数字、点、连字符或下划线。</translation>
        </message>
        <message>
            <source>That id is already in use on this hub. Choose another id.</source>
            <translation>该 ID 已在此枢纽上使用。请选择其他 ID。</translation>
        </message>
        <message>
            <source>Wrong hub password.</source>
            <translation>枢纽密码错误。</translation>
        </message>
        <message>
            <source>That peer is not online, so the message was not delivered.</source>
            <translation>该节点不在线，消息未送达。</translation>
        </message>
        <message>
            <source>The message is too large for this hub.</source>
            <translation>消息太大，此枢纽无法接受。</translation>
        </message>
        <message>
            <source>You are sending too fast; the hub dropped a message. Wait a moment.</source>
            <translation>你发送得太快，枢纽丢弃了一条消息。请稍候。</translation>
        </message>
        <message>
            <source>The hub is full. Try again later.</source>
            <translation>枢纽已满。请稍后再试。</translation>
        </message>
        <message>
            <source>You are banned from this hub.</source>
            <translation>你已被此枢纽封禁。</translation>
        </message>
        <message>
            <source>The peer declined a direct connection; messages go through the hub.</source>
            <translation>对方拒绝了直接连接；消息将通过枢纽转发。</translation>
        </message>
        <message>
            <source>That connection request has expired.</source>
            <translation>该连接请求已过期。</translation>
        </message>
        <message>
            <source>you left the hub</source>
            <translation>你已离开枢纽</translation>
        </message>
        <message>
            <source>your session continued on a new connection</source>
            <translation>你的会话已在新连接上继续</translation>
        </message>
        <message>
            <source>the hub is shutting down</source>
            <translation>枢纽正在关闭</translation>
        </message>
        <message>
            <source>the hub heard nothing from this computer for too long</source>
            <translation>枢纽太久没有收到这台电脑的回应</translation>
        </message>
        <message>
            <source>the host removed you from the hub</source>
            <translation>主持人已将你移出枢纽</translation>
        </message>
        <message>
            <source>the host removed you from the hub: %1</source>
            <translation>主持人已将你移出枢纽：%1</translation>
        </message>
        <message>
            <source>you are banned from this hub</source>
            <translation>你已被此枢纽封禁</translation>
        </message>
        <message>
            <source>the hub received too many requests it could not understand from this app</source>
            <translation>枢纽从本应用收到太多无法理解的请求</translation>
        </message>
        <message>
            <source>this computer did not keep up with the messages from the hub</source>
            <translation>这台电脑跟不上枢纽发来的消息</translation>
        </message>
        <message>
            <source>This hub admits only peers with an identity, and PeerLink has none at the moment (see PeerLink ▸ My identity).</source>
            <translation>这个枢纽只接纳有身份的节点，而 PeerLink 目前没有身份（参见 PeerLink ▸ 我的身份）。</translation>
        </message>
        <message>
            <source>That id belongs to another key on this hub: someone else uses it, or it was yours with a key you no longer have. Choose another id, or ask the hub's host to forget it.</source>
            <translation>在这个枢纽上，该 ID 属于另一个密钥：有别人在使用它，或者它曾属于你但你已不再拥有那个密钥。请选择其他 ID，或请枢纽的托管者遗忘它。</translation>
        </message>
        <message>
            <source>The hub could not confirm your identity (the proof of your key was refused).</source>
            <translation>枢纽无法确认你的身份（你的密钥证明被拒绝）。</translation>
        </message>
        <message>
            <source>You can keep chatting; new messages are not saved until this is solved. Nothing already saved was deleted.</source>
            <translation>你可以继续聊天；在问题解决之前，新消息不会被保存。已保存的内容均未删除。</translation>
        </message>
        <message>
            <source>The message history file is damaged and cannot be read.</source>
            <translation>消息记录文件已损坏，无法读取。</translation>
        </message>
        <message>
            <source>The disk is full: the message history cannot grow.</source>
            <translation>磁盘已满：消息记录无法继续增长。</translation>
        </message>
        <message>
            <source>The message history is in use by another program (is PeerLink running twice?).</source>
            <translation>消息记录正被另一个程序使用（是否同时运行了两个 PeerLink？）。</translation>
        </message>
        <message>
            <source>The message history cannot be written (the disk or folder is read-only).</source>
            <translation>无法写入消息记录（磁盘或文件夹是只读的）。</translation>
        </message>
        <message>
            <source>The message history was saved by a newer PeerLink and cannot be used by this one.</source>
            <translation>消息记录由更新版本的 PeerLink 保存，此版本无法使用。</translation>
        </message>
        <message>
            <source>The conversation could not be exported: %1</source>
            <translation>无法导出对话：%1</translation>
        </message>
        <message>
            <source>The message history does not work: %1</source>
            <translation>消息记录无法使用：%1</translation>
        </message>
        <message>
            <source>The peer is offline and the hub cannot keep more messages for it now; try again later.</source>
            <translation>该节点不在线，中心节点目前无法再为其保存更多消息；请稍后再试。</translation>
        </message>
        <message>
            <source>The peer did not come back in time: the hub dropped a message it kept for it.</source>
            <translation>该节点未能及时回来：中心节点已丢弃为其保存的一条消息。</translation>
        </message>
        <message>
            <source>%1 declined a direct connection; messages go through the hub.</source>
            <translation>%1 拒绝了直接连接；消息经由枢纽传递。</translation>
        </message>
        <message>
            <source>%1 declined a direct connection ("%2"); messages go through the hub.</source>
            <translation>%1 拒绝了直接连接（“%2”）；消息经由枢纽传递。</translation>
        </message>
        <message>
            <source>nothing answers at that address and port (is the hub running, and is the port right?)</source>
            <translation>该地址和端口无人应答（枢纽是否在运行？端口是否正确？）</translation>
        </message>
        <message>
            <source>the hub's address was not found (check the name)</source>
            <translation>找不到枢纽的地址（请检查名称）</translation>
        </message>
        <message>
            <source>the hub did not answer in time</source>
            <translation>枢纽未能及时应答</translation>
        </message>
        <message>
            <source>this computer has no network route to the hub</source>
            <translation>本机没有通往枢纽的网络路由</translation>
        </message>
        <message>
            <source>a secure (TLS) connection to the hub could not be set up</source>
            <translation>无法与枢纽建立安全（TLS）连接</translation>
        </message>
        <message>
            <source>The hub does not relay files: connect directly to the peer to send one.</source>
            <translation>枢纽不转发文件：请与对方建立直连后再发送。</translation>
        </message>
        <message>
            <source>There is no such room on this hub (or it is invite-only and you are not invited).</source>
            <translation>此枢纽上没有这个房间（或者它仅限邀请而你未受邀）。</translation>
        </message>
        <message>
            <source>A room by that name already exists on this hub.</source>
            <translation>此枢纽上已有同名房间。</translation>
        </message>
        <message>
            <source>You may not do that in this room.</source>
            <translation>你不能在这个房间里这样做。</translation>
        </message>
        <message>
            <source>The hub has as many rooms as it keeps; no new room can be made now.</source>
            <translation>枢纽的房间数已达上限；现在无法创建新房间。</translation>
        </message>
        <message>
            <source>You are in as many rooms as this hub allows; leave one first.</source>
            <translation>你所在的房间数已达此枢纽的上限；请先离开一个。</translation>
        </message>
        <message>
            <source>The room has as many members as this hub allows.</source>
            <translation>该房间的成员数已达此枢纽的上限。</translation>
        </message>
        <message>
            <source>The hub cannot reach the other hubs of its cluster right now; try again in a moment.</source>
            <translation>该枢纽暂时无法连接其集群中的其他枢纽，请稍后再试。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::FileTransfers</name>
        <message>
            <source>%1 is not joined to the hub.</source>
            <translation>%1 未加入枢纽。</translation>
        </message>
        <message>
            <source>Cannot read %1: %2</source>
            <translation>无法读取 %1：%2</translation>
        </message>
        <message>
            <source>no such file</source>
            <translation>文件不存在</translation>
        </message>
        <message>
            <source>Cannot offer a file to %1: files go end to end, and it has no identity key we can seal to.</source>
            <translation>无法向 %1 发送文件：文件须端到端加密，而它没有可用于加密的身份密钥。</translation>
        </message>
        <message>
            <source>%1 offered %2 (%3 bytes), more than the %4 bytes accepted.</source>
            <translation>%1 提供的 %2（%3 字节）超过了允许接收的 %4 字节。</translation>
        </message>
        <message>
            <source>declined</source>
            <translation>已拒绝</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>%1 does not accept files this large.</source>
            <translation>%1 不接收这么大的文件。</translation>
        </message>
        <message>
            <source>%1 declined the file.</source>
            <translation>%1 拒绝了该文件。</translation>
        </message>
        <message>
            <source>%1 cancelled the transfer.</source>
            <translation>%1 取消了传输。</translation>
        </message>
        <message>
            <source>%1 received a file with another SHA-256.</source>
            <translation>%1 收到的文件 SHA-256 不一致。</translation>
        </message>
        <message>
            <source>%1 reported the transfer failed (%2).</source>
            <translation>%1 报告传输失败（%2）。</translation>
        </message>
        <message>
            <source>Too many chunks from %1 did not verify.</source>
            <translation>来自 %1 的数据块校验失败次数过多。</translation>
        </message>
        <message>
            <source>The hub does not know file transfers (it is older than this client).</source>
            <translation>枢纽不支持文件传输（它比本客户端旧）。</translation>
        </message>
        <message>
            <source>The hub does not relay files and there is no direct link to %1.</source>
            <translation>枢纽不转发文件，且与 %1 之间没有直连。</translation>
        </message>
        <message>
            <source>paused by you</source>
            <translation>由你暂停</translation>
        </message>
        <message>
            <source>%1 cannot write the file (its disk is full); it goes on when %1 resumes it.</source>
            <translation>%1 无法写入文件（其磁盘已满）；待 %1 继续后传输才会接着进行。</translation>
        </message>
        <message>
            <source>%1 paused the transfer.</source>
            <translation>%1 暂停了传输。</translation>
        </message>
        <message>
            <source>%1 is no longer there</source>
            <translation>%1 已不存在</translation>
        </message>
        <message>
            <source>%1 was changed since it was offered</source>
            <translation>%1 在提供之后已被修改</translation>
        </message>
        <message>
            <source>%1; it is not sent to %2. Send the file again to offer it as it is now.</source>
            <translation>%1；不会发送给 %2。请重新发送该文件，以提供它现在的内容。</translation>
        </message>
        <message>
            <source>%1 is not the peer the file was offered to (its identity key is another one); it is not sent.</source>
            <translation>%1 不是当初提供该文件时的那个节点（其身份密钥不同）；不会发送。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HostDialog</name>
        <message>
            <source>Other computers (all IPv4 interfaces)</source>
            <translation>其他计算机（所有 IPv4 接口）</translation>
        </message>
        <message>
            <source>Other computers (IPv4 and IPv6)</source>
            <translation>其他计算机（IPv4 和 IPv6）</translation>
        </message>
        <message>
            <source>This computer only</source>
            <translation>仅本机</translation>
        </message>
        <message>
            <source>Choose where the hub can be reached from, or type an IP address of this computer.</source>
            <translation>请选择枢纽的可访问范围，或输入本机的一个 IP 地址。</translation>
        </message>
        <message>
            <source>A hub name is 1 to 64 characters, on one line.</source>
            <translation>枢纽名称为 1 到 64 个字符，且只能有一行。</translation>
        </message>
        <message>
            <source>no limit</source>
            <translation>不限</translation>
        </message>
        <message>
            <source>For wss://, give both the certificate and its key (or neither, for plain ws://).</source>
            <translation>使用 wss:// 时，请同时提供证书和私钥（或都不提供，使用普通 ws://）。</translation>
        </message>
        <message>
            <source>More settings</source>
            <translation>更多设置</translation>
        </message>
        <message>
            <source>Choose the TLS certificate</source>
            <translation>选择 TLS 证书</translation>
        </message>
        <message>
            <source>Choose the TLS private key</source>
            <translation>选择 TLS 私钥</translation>
        </message>
        <message>
            <source>PEM files (*.pem *.crt *.cer *.key);;All files (*)</source>
            <translation>PEM 文件 (*.pem *.crt *.cer *.key);;所有文件 (*)</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HubAddresses</name>
        <message>
            <source>"%1" is not a valid invitation link.</source>
            <translation>“%1”不是有效的邀请链接。</translation>
        </message>
        <message>
            <source>"%1" is not a hub address: one looks like ws://192.168.1.5:9000 (several are separated by spaces or commas).</source>
            <translation>“%1”不是枢纽地址：格式类似 ws://192.168.1.5:9000（多个地址用空格或逗号分隔）。</translation>
        </message>
        <message>
            <source>A hub address looks like ws://192.168.1.5:9000.</source>
            <translation>枢纽地址的格式类似 ws://192.168.1.5:9000。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HubConnection</name>
        <message>
            <source>The hub's certificate is not trusted: %1</source>
            <translation>枢纽的证书不受信任：%1</translation>
        </message>
        <message>
            <source>left</source>
            <translation>已离开</translation>
        </message>
        <message>
            <source>connection closed</source>
            <translation>连接已关闭</translation>
        </message>
        <message>
            <source>The hub at %1 did not answer within %2 ms.</source>
            <translation>枢纽 %1 在 %2 毫秒内没有应答。</translation>
        </message>
        <message>
            <source>The hub at %1 stopped answering (no pong within %2 ms).</source>
            <translation>枢纽 %1 不再应答（%2 毫秒内没有收到 pong）。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HubHost</name>
        <message>
            <source>A hub is already running.</source>
            <translation>已有一个枢纽在运行。</translation>
        </message>
        <message>
            <source>The hub is still stopping; start it again once it has stopped.</source>
            <translation>枢纽仍在停止中；请在它停止后再启动。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HubPanel</name>
        <message>
            <source>Hosting "%1" on port %2, open to anyone who can reach it.</source>
            <translation>正在端口 %2 上托管“%1”，任何能访问到的人都可以加入。</translation>
        </message>
        <message>
            <source>Hosting "%1" on port %2, with a password.</source>
            <translation>正在端口 %2 上托管“%1”，已设置密码。</translation>
        </message>
        <message numerus="yes">
            <source>%n peer(s) connected</source>
            <translation>
                <numerusform>已连接 %n 个节点</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n message(s) routed</source>
            <translation>
                <numerusform>已转发 %n 条消息</numerusform>
            </translation>
        </message>
        <message>
            <source>Not hosting a hub.</source>
            <translation>未托管枢纽。</translation>
        </message>
        <message>
            <source>TLS certificate SHA-256 fingerprint (others compare it when asked):
%1</source>
            <translation>TLS 证书 SHA-256 指纹（其他人在被询问时进行核对）：
%1</translation>
        </message>
        <message>
            <source>Starting the hub…</source>
            <translation>正在启动枢纽…</translation>
        </message>
        <message>
            <source>Stopping the hub…</source>
            <translation>正在停止枢纽…</translation>
        </message>
        <message>
            <source>No key was bound to %1.</source>
            <translation>%1 没有绑定任何密钥。</translation>
        </message>
        <message>
            <source>The hub could not forget %1: %2</source>
            <translation>枢纽无法遗忘 %1：%2</translation>
        </message>
        <message>
            <source>The hub forgot the key of %1: whoever joins as %1 next binds theirs.</source>
            <translation>枢纽已遗忘 %1 的密钥：下一个以 %1 加入的人将绑定自己的密钥。</translation>
        </message>
        <message>
            <source>Forget an id</source>
            <translation>遗忘 ID</translation>
        </message>
        <message>
            <source>The hub keeps each id for the key it first joined with, so nobody else can take it. Forget an id only when its owner lost their key (a new computer, a deleted profile): the next peer to join as that id binds its own key, and the others are told the key changed.

Id to forget:</source>
            <translation>枢纽会把每个 ID 保留给它首次加入时使用的密钥，这样别人无法占用它。只有在 ID 的主人丢失了密钥（换了新电脑、删除了配置）时才遗忘该 ID：下一个以该 ID 加入的节点将绑定自己的密钥，其他节点会被告知密钥已更改。

要遗忘的 ID：</translation>
        </message>
        <message>
            <source>&amp;Forget this id</source>
            <translation>遗忘此 ID(&amp;F)</translation>
        </message>
        <message>
            <source>"%1" is not an id.</source>
            <translation>“%1”不是有效的 ID。</translation>
        </message>
        <message>
            <source>%1 is banned by its id only: it connects from this computer, and banning this computer's address would shut out your own PeerLink too.</source>
            <translation>%1 仅按 ID 封禁：它从本机连接，封禁本机地址会把你自己的 PeerLink 也挡在外面。</translation>
        </message>
        <message>
            <source>%1 is banned, and so is its address %2.</source>
            <translation>%1 已被封禁，其地址 %2 也已封禁。</translation>
        </message>
        <message>
            <source>%1 may join again.</source>
            <translation>%1 可以再次加入了。</translation>
        </message>
        <message>
            <source>%1 (and %2)</source>
            <translation>%1（以及 %2）</translation>
        </message>
        <message>
            <source>Kick %1</source>
            <translation>踢出 %1</translation>
        </message>
        <message>
            <source>Disconnect %1 from your hub? They can join again.</source>
            <translation>要将 %1 从你的枢纽断开吗？对方可以再次加入。</translation>
        </message>
        <message>
            <source>&amp;Kick</source>
            <translation>踢出(&amp;K)</translation>
        </message>
        <message>
            <source>Ban %1</source>
            <translation>封禁 %1</translation>
        </message>
        <message>
            <source>Ban %1 from your hub? They are disconnected and cannot join again until you unban them.</source>
            <translation>要在你的枢纽封禁 %1 吗？对方会被断开，在你解除封禁之前无法再次加入。</translation>
        </message>
        <message>
            <source>&amp;Ban</source>
            <translation>封禁(&amp;B)</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HubPeersModel</name>
        <message>
            <source>%1 (you, hosting)</source>
            <translation>%1（你，托管者）</translation>
        </message>
        <message>
            <source>Id</source>
            <translation>ID</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Joined</source>
            <translation>加入时间</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>消息数</translation>
        </message>
        <message>
            <source>no key</source>
            <translation>无密钥</translation>
        </message>
        <message>
            <source>Key fingerprint</source>
            <translation>密钥指纹</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::HubText</name>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>left the hub</source>
            <translation>已离开枢纽</translation>
        </message>
        <message>
            <source>closed the connection</source>
            <translation>关闭了连接</translation>
        </message>
        <message>
            <source>lost the connection and did not come back in time</source>
            <translation>连接丢失，且未能及时恢复</translation>
        </message>
        <message>
            <source>kicked by the host</source>
            <translation>被托管者踢出</translation>
        </message>
        <message>
            <source>banned from this hub</source>
            <translation>已被此枢纽封禁</translation>
        </message>
        <message>
            <source>stopped answering the hub's heartbeat</source>
            <translation>不再响应枢纽的心跳检测</translation>
        </message>
        <message>
            <source>sent too many invalid messages</source>
            <translation>发送了过多无效消息</translation>
        </message>
        <message>
            <source>stopped reading: too much was waiting for it</source>
            <translation>停止了接收：等待发给它的数据过多</translation>
        </message>
        <message>
            <source>sent a message larger than this hub allows</source>
            <translation>发送的消息超过了此枢纽允许的大小</translation>
        </message>
        <message>
            <source>was refused by the hub</source>
            <translation>被枢纽拒绝</translation>
        </message>
        <message>
            <source>the hub stopped</source>
            <translation>枢纽已停止</translation>
        </message>
        <message>
            <source>The hub is already listening</source>
            <translation>枢纽已在监听</translation>
        </message>
        <message>
            <source>TLS is not available: Qt found no TLS library (install libssl3), so the hub cannot use the certificate.</source>
            <translation>TLS 不可用：Qt 找不到 TLS 库（请安装 libssl3），因此枢纽无法使用该证书。</translation>
        </message>
        <message>
            <source>The hub cannot listen on that address and port. Choose another port, or another address.</source>
            <translation>枢纽无法在该地址和端口上监听。请选择其他端口或其他地址。</translation>
        </message>
        <message>
            <source>The hub cannot listen on that address and port (%1). Choose another port, or another address.</source>
            <translation>枢纽无法在该地址和端口上监听（%1）。请选择其他端口或其他地址。</translation>
        </message>
        <message>
            <source>The hub could not accept a connection</source>
            <translation>枢纽无法接受连接</translation>
        </message>
        <message>
            <source>The hub reported a problem</source>
            <translation>枢纽报告了一个问题</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::IdentityDialog</name>
        <message>
            <source>My identity</source>
            <translation>我的身份</translation>
        </message>
        <message>
            <source>&amp;Copy the fingerprint</source>
            <translation>复制指纹(&amp;C)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>This is your fingerprint. Peers who want to be sure that they talk to you compare it with what their PeerLink shows for you, in person or on a call they trust.</source>
            <translation>这是你的指纹。想确认正在与你交谈的节点，会当面或通过可信的通话，把它与他们的 PeerLink 为你显示的指纹进行核对。</translation>
        </message>
        <message>
            <source>Your key is kept in %1. Keep it private; whoever has it can pose as you.</source>
            <translation>你的密钥保存在 %1。请妥善保管；拿到它的人可以冒充你。</translation>
        </message>
        <message>
            <source>You have no identity at the moment.</source>
            <translation>你目前没有身份。</translation>
        </message>
        <message>
            <source>The key would be kept in %1.</source>
            <translation>密钥将保存在 %1。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::IncomingFilesPolicy</name>
        <message>
            <source>The file from %1 was not saved automatically: %2 Choose where to save it.</source>
            <translation>来自 %1 的文件没有自动保存：%2请选择保存位置。</translation>
        </message>
        <message>
            <source>no folder for incoming files is set.</source>
            <translation>没有设置接收文件的文件夹。</translation>
        </message>
        <message>
            <source>the folder %1 does not exist.</source>
            <translation>文件夹 %1 不存在。</translation>
        </message>
        <message>
            <source>%1 is not a folder.</source>
            <translation>%1 不是文件夹。</translation>
        </message>
        <message>
            <source>the folder %1 cannot be written to.</source>
            <translation>无法写入文件夹 %1。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::KeyStore</name>
        <message>
            <source>%1: the known keys can be changed by others (mode %2); make the file the owner's only (chmod 600 %1)</source>
            <translation>%1：已知密钥文件可被他人修改（权限 %2）；请设为仅所有者可用（chmod 600 %1）</translation>
        </message>
        <message>
            <source>%1: cannot read the known keys: %2</source>
            <translation>%1：无法读取已知密钥：%2</translation>
        </message>
        <message>
            <source>%1: too large for a known-keys file</source>
            <translation>%1：作为已知密钥文件过大</translation>
        </message>
        <message>
            <source>%1, line %2: not a known-keys line (hub-url id key); the file is left as it is and no key is remembered until it is fixed</source>
            <translation>%1，第 %2 行：不是已知密钥行（枢纽地址 ID 密钥）；文件保持原样，修复之前不会记住任何密钥</translation>
        </message>
        <message>
            <source>too many known keys</source>
            <translation>已知密钥过多</translation>
        </message>
        <message>
            <source>%1 is not a valid known-keys file; the key of %2 is not saved</source>
            <translation>%1 不是有效的已知密钥文件；%2 的密钥未保存</translation>
        </message>
        <message>
            <source>%1: cannot save the known keys: %2</source>
            <translation>%1：无法保存已知密钥：%2</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::LanHubsModel</name>
        <message>
            <source>%1 — %2 (password needed)</source>
            <translation>%1 — %2（需要密码）</translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>%1
TLS certificate fingerprint: %2</source>
            <translation>%1
TLS 证书指纹：%2</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::LanguageManager</name>
        <message>
            <source>System language</source>
            <translation>系统语言</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::MainWindow</name>
        <message>
            <source>About PeerLink</source>
            <translation>关于 PeerLink</translation>
        </message>
        <message>
            <source>&lt;h3&gt;PeerLink %1&lt;/h3&gt;&lt;p&gt;Peer-to-peer messaging over a hub you can host yourself.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;PeerLink %1&lt;/h3&gt;&lt;p&gt;通过你可以自己托管的枢纽进行点对点消息传递。&lt;/p&gt;&lt;p&gt;基于 Qt %2 构建。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Hub</source>
            <translation>枢纽</translation>
        </message>
        <message>
            <source>Show PeerLink</source>
            <translation>显示 PeerLink</translation>
        </message>
        <message>
            <source>%1 asks to connect to you.</source>
            <translation>%1 请求与你连接。</translation>
        </message>
        <message>
            <source>%1 (%2) asks to connect to you.</source>
            <translation>%1（%2）请求与你连接。</translation>
        </message>
        <message numerus="yes">
            <source>PeerLink (%n unread)</source>
            <translation>
                <numerusform>PeerLink（%n 条未读）</numerusform>
            </translation>
        </message>
        <message>
            <source>PeerLink</source>
            <translation>PeerLink</translation>
        </message>
        <message>
            <source>The hub could not start: %1</source>
            <translation>枢纽无法启动：%1</translation>
        </message>
        <message>
            <source>Stop hosting?</source>
            <translation>停止托管？</translation>
        </message>
        <message numerus="yes">
            <source>You are hosting a hub with %n peer(s). Quitting stops it and disconnects them.</source>
            <translation>
                <numerusform>你正在托管一个有 %n 个节点的枢纽。退出将停止枢纽并断开它们的连接。</numerusform>
            </translation>
        </message>
        <message>
            <source>Quit and stop the hub</source>
            <translation>退出并停止枢纽</translation>
        </message>
        <message>
            <source>Keep hosting</source>
            <translation>继续托管</translation>
        </message>
        <message>
            <source>Unknown hub certificate</source>
            <translation>未知的枢纽证书</translation>
        </message>
        <message>
            <source>The hub at %1 presents a certificate that no certificate authority vouches for (%2).

Its SHA-256 fingerprint is:
%3

Ask the hub's operator for the fingerprint and compare. Trust this hub from now on?</source>
            <translation>位于 %1 的枢纽出示的证书没有任何证书颁发机构担保（%2）。

其 SHA-256 指纹为：
%3

请向枢纽的运营者索取指纹并进行核对。今后信任此枢纽吗？</translation>
        </message>
        <message>
            <source>Trust and connect</source>
            <translation>信任并连接</translation>
        </message>
        <message>
            <source>Do not connect</source>
            <translation>不连接</translation>
        </message>
        <message>
            <source>%1's key changed: see the warning in your conversation with them.</source>
            <translation>%1 的密钥已更改：请查看你与对方对话中的警告。</translation>
        </message>
        <message>
            <source>They are offline: their new key can be accepted once they are back.</source>
            <translation>对方已离线：等对方回来后才能接受其新密钥。</translation>
        </message>
        <message>
            <source>A problem with your identity</source>
            <translation>你的身份出现问题</translation>
        </message>
        <message>
            <source>No identity: your messages are not end-to-end encrypted (PeerLink ▸ My identity).</source>
            <translation>没有身份：你的消息不是端到端加密的（PeerLink ▸ 我的身份）。</translation>
        </message>
        <message>
            <source>Search results</source>
            <translation>搜索结果</translation>
        </message>
        <message>
            <source>Search all conversations (Ctrl+F)</source>
            <translation>搜索所有对话（Ctrl+F）</translation>
        </message>
        <message>
            <source>&amp;Search messages…</source>
            <translation>搜索消息(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Export conversation…</source>
            <translation>导出对话(&amp;E)…</translation>
        </message>
        <message>
            <source>&amp;Delete conversation…</source>
            <translation>删除对话(&amp;D)…</translation>
        </message>
        <message>
            <source>Everyone</source>
            <translation>所有人</translation>
        </message>
        <message>
            <source>%1 · %2
%3</source>
            <translation>%1 · %2
%3</translation>
        </message>
        <message>
            <source>Nothing found for “%1”.</source>
            <translation>没有找到“%1”。</translation>
        </message>
        <message>
            <source>Web page (*.html)</source>
            <translation>网页 (*.html)</translation>
        </message>
        <message>
            <source>Plain text (*.txt)</source>
            <translation>纯文本 (*.txt)</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON (*.json)</translation>
        </message>
        <message>
            <source>Export conversation</source>
            <translation>导出对话</translation>
        </message>
        <message>
            <source>everyone</source>
            <translation>所有人</translation>
        </message>
        <message>
            <source>Exported to %1</source>
            <translation>已导出到 %1</translation>
        </message>
        <message>
            <source>Delete conversation?</source>
            <translation>删除对话？</translation>
        </message>
        <message>
            <source>Delete every message of your conversation with %1 from this computer? This cannot be undone.</source>
            <translation>要从这台电脑上删除你与 %1 的对话中的所有消息吗？此操作无法撤销。</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Keep it</source>
            <translation>保留</translation>
        </message>
        <message>
            <source>Conversation deleted.</source>
            <translation>对话已删除。</translation>
        </message>
        <message>
            <source>A problem with the message history</source>
            <translation>消息记录出现问题</translation>
        </message>
        <message numerus="yes">
            <source>%n more request(s) waiting.</source>
            <translation>
                <numerusform>还有 %n 个请求在等待。</numerusform>
            </translation>
        </message>
        <message>
            <source>PeerLink is still running</source>
            <translation>PeerLink 仍在运行</translation>
        </message>
        <message>
            <source>It keeps you connected from the tray. Choose Quit in its menu to leave.</source>
            <translation>它在托盘中保持你的连接。要退出，请在托盘菜单中选择“退出”。</translation>
        </message>
        <message>
            <source>Search all conversations</source>
            <translation>搜索所有会话</translation>
        </message>
        <message>
            <source>This hub asks for a password: its host can tell you.</source>
            <translation>此中心需要密码：可以向它的主持人询问。</translation>
        </message>
        <message>
            <source>New messages ↓</source>
            <translation>新消息 ↓</translation>
        </message>
        <message>
            <source>&amp;Copy text</source>
            <translation>复制文字(&amp;C)</translation>
        </message>
        <message>
            <source>Send &amp;again</source>
            <translation>重新发送(&amp;A)</translation>
        </message>
        <message>
            <source>Join &amp;room…</source>
            <translation>加入房间(&amp;R)…</translation>
        </message>
        <message>
            <source>&amp;Leave room</source>
            <translation>离开房间(&amp;L)</translation>
        </message>
        <message>
            <source>Join room</source>
            <translation>加入房间</translation>
        </message>
        <message>
            <source>Room (joined if it is there, made open if not; its messages go end to end):</source>
            <translation>房间（已存在则加入，不存在则创建为公开房间；消息端到端加密）：</translation>
        </message>
        <message>
            <source>Join</source>
            <translation>加入</translation>
        </message>
        <message>
            <source>Invitation to a room</source>
            <translation>房间邀请</translation>
        </message>
        <message>
            <source>%1 invites you to the room #%2.</source>
            <translation>%1 邀请你加入房间 #%2。</translation>
        </message>
        <message>
            <source>Accept</source>
            <translation>接受</translation>
        </message>
        <message>
            <source>Decline</source>
            <translation>拒绝</translation>
        </message>
        <message>
            <source>&amp;Create room…</source>
            <translation>创建房间(&amp;C)…</translation>
        </message>
        <message>
            <source>&amp;Invite to room…</source>
            <translation>邀请加入房间(&amp;I)…</translation>
        </message>
        <message>
            <source>Members</source>
            <translation>成员</translation>
        </message>
        <message>
            <source>Members of the room</source>
            <translation>房间成员</translation>
        </message>
        <message>
            <source>Create room</source>
            <translation>创建房间</translation>
        </message>
        <message>
            <source>optional</source>
            <translation>可选</translation>
        </message>
        <message>
            <source>Only those I invite may join</source>
            <translation>仅限我邀请的人加入</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名称(&amp;N)：</translation>
        </message>
        <message>
            <source>&amp;Topic:</source>
            <translation>主题(&amp;T)：</translation>
        </message>
        <message>
            <source>Create</source>
            <translation>创建</translation>
        </message>
        <message>
            <source>Invite to %1</source>
            <translation>邀请加入 %1</translation>
        </message>
        <message>
            <source>Peer id to invite:</source>
            <translation>要邀请的节点 ID：</translation>
        </message>
        <message>
            <source>Invite</source>
            <translation>邀请</translation>
        </message>
        <message>
            <source>%1 (offline)</source>
            <translation>%1（离线）</translation>
        </message>
        <message>
            <source>Type the hub's password: it is not kept anywhere, as no system keychain answers.</source>
            <translation>请输入枢纽的密码：由于没有可用的系统钥匙串，它没有保存在任何地方。</translation>
        </message>
        <message>
            <source>The hub's password could not be read from the system keychain: type it again.</source>
            <translation>无法从系统钥匙串读取枢纽的密码：请重新输入。</translation>
        </message>
        <message>
            <source>Transfers</source>
            <translation>传输</translation>
        </message>
        <message>
            <source>&amp;Transfers</source>
            <translation>传输(&amp;T)</translation>
        </message>
        <message>
            <source>Send &amp;file…</source>
            <translation>发送文件(&amp;F)…</translation>
        </message>
        <message>
            <source>Send a file to the peer of this conversation (or drop it on the window)</source>
            <translation>向此对话的对方发送文件（或将文件拖放到窗口上）</translation>
        </message>
        <message>
            <source>Send a file to %1</source>
            <translation>向 %1 发送文件</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::MessageDelegate</name>
        <message>
            <source>Today</source>
            <translation>今天</translation>
        </message>
        <message>
            <source>Yesterday</source>
            <translation>昨天</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::MessageFlow</name>
        <message>
            <source>The key of %1 changed; nothing is sent to it until you trust the new key.</source>
            <translation>%1 的密钥已变更；在你信任新密钥之前，不会向其发送任何内容。</translation>
        </message>
        <message>
            <source>No peer %1 is joined to this hub.</source>
            <translation>此枢纽上没有名为 %1 的节点。</translation>
        </message>
        <message>
            <source>%1 announced no valid key to encrypt to; the message was not sent.</source>
            <translation>%1 未公布可用于加密的有效密钥；消息未发送。</translation>
        </message>
        <message>
            <source>Not joined to a hub.</source>
            <translation>尚未加入枢纽。</translation>
        </message>
        <message>
            <source>%1 messages are waiting for the hub already.</source>
            <translation>已有 %1 条消息在等待枢纽处理。</translation>
        </message>
        <message>
            <source>"%1" is not a valid peer id.</source>
            <translation>“%1”不是有效的节点 ID。</translation>
        </message>
        <message>
            <source>The message is %1 bytes; at most %2 can be sent.</source>
            <translation>消息有 %1 字节；最多只能发送 %2 字节。</translation>
        </message>
        <message>
            <source>A message from %1 could not be verified or decrypted and was not delivered.</source>
            <translation>来自 %1 的一条消息无法验证或解密，未予投递。</translation>
        </message>
        <message>
            <source>%1 did not come back after the hub restarted.</source>
            <translation>枢纽重启后 %1 没有回来。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::MessageSelection</name>
        <message>
            <source>Message text</source>
            <translation>消息文字</translation>
        </message>
        <message>
            <source>The text of the message, to select and copy</source>
            <translation>消息的文字，可选中并复制</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::PeerClient</name>
        <message>
            <source>Already connected to %1.</source>
            <translation>已连接到 %1。</translation>
        </message>
        <message>
            <source>An id is 1 to 64 characters of A-Z a-z 0-9 . _ -</source>
            <translation>ID 为 1 到 64 个 A-Z a-z 0-9 . _ - 字符</translation>
        </message>
        <message>
            <source>A display name is at most 64 printable characters.</source>
            <translation>显示名称最多 64 个可打印字符。</translation>
        </message>
        <message>
            <source>A hub address looks like ws://host:port (got "%1").</source>
            <translation>枢纽地址的格式类似 ws://主机:端口（收到“%1”）。</translation>
        </message>
        <message>
            <source>Not joined to a hub.</source>
            <translation>尚未加入枢纽。</translation>
        </message>
        <message>
            <source>"%1" is not a valid peer id.</source>
            <translation>“%1”不是有效的节点 ID。</translation>
        </message>
        <message>
            <source>No peer %1 is joined to this hub.</source>
            <translation>此枢纽上没有名为 %1 的节点。</translation>
        </message>
        <message>
            <source>No hub address was given.</source>
            <translation>没有给出枢纽地址。</translation>
        </message>
        <message>
            <source>Hub address %1 of %2 is not a ws:// or wss:// address (got "%3").</source>
            <translation>第 %1 个枢纽地址（共 %2 个）不是 ws:// 或 wss:// 地址（收到“%3”）。</translation>
        </message>
        <message>
            <source>a file chunk on the direct link did not verify</source>
            <translation>直连上的一个文件块未通过验证</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::PeerListModel</name>
        <message>
            <source>Everyone</source>
            <translation>所有人</translation>
        </message>
        <message>
            <source> (hosting)</source>
            <translation>（托管者）</translation>
        </message>
        <message>
            <source> (offline)</source>
            <translation>（离线）</translation>
        </message>
        <message>
            <source>Messages to every peer on the hub</source>
            <translation>发给枢纽上所有节点的消息</translation>
        </message>
        <message>
            <source>%1 (id %2)</source>
            <translation>%1（ID %2）</translation>
        </message>
        <message>
            <source> · direct</source>
            <translation> · 直连</translation>
        </message>
        <message>
            <source> · connecting…</source>
            <translation> · 连接中…</translation>
        </message>
        <message>
            <source> ⚠ key changed</source>
            <translation> ⚠ 密钥已更改</translation>
        </message>
        <message>
            <source>Their key changed: nothing is sent to them until you accept the new key.</source>
            <translation>对方的密钥已更改：在你接受新密钥之前，不会向对方发送任何消息。</translation>
        </message>
        <message>
            <source>Verified: you compared fingerprints in person.</source>
            <translation>已验证：你已当面核对过指纹。</translation>
        </message>
        <message>
            <source> (not in it)</source>
            <translation>（未加入）</translation>
        </message>
        <message>
            <source>The room %1: its members read what you write here, end to end</source>
            <translation>房间 %1：你在这里写的内容由其成员阅读，端到端加密</translation>
        </message>
        <message>
            <source>The room %1: you are not in it now</source>
            <translation>房间 %1：你现在不在其中</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::ProfileIdentity</name>
        <message>
            <source>Your identity key file %1 can be read or changed by other users of this computer, so PeerLink does not use it: anyone who copied it could pose as you. Make it private (chmod 600 "%1") if only you ever had access, or delete it to get a new identity (your peers will then be told your key changed). Until then PeerLink works without an identity: your messages are not end-to-end encrypted.</source>
            <translation>你的身份密钥文件 %1 可以被这台电脑上的其他用户读取或修改，因此 PeerLink 不使用它：任何复制了它的人都可以冒充你。如果只有你曾经能访问它，请把它设为私有（chmod 600 "%1"）；否则请删除它以获得新身份（你的节点届时会被告知你的密钥已更改）。在此之前，PeerLink 在没有身份的情况下工作：你的消息不是端到端加密的。</translation>
        </message>
        <message>
            <source>PeerLink could not use your identity key file %1 (%2). Until this is fixed it works without an identity: your messages are not end-to-end encrypted.</source>
            <translation>PeerLink 无法使用你的身份密钥文件 %1（%2）。在解决之前，它在没有身份的情况下工作：你的消息不是端到端加密的。</translation>
        </message>
        <message>
            <source>PeerLink could not use the file of your peers' keys %1 (%2). It was left as it is; until it is fixed, peers' keys are remembered only until PeerLink quits.</source>
            <translation>PeerLink 无法使用保存节点密钥的文件 %1（%2）。文件保持原样；在修复之前，节点的密钥只会记住到 PeerLink 退出为止。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::RoomChannel</name>
        <message>
            <source>A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -</source>
            <translation>房间名为 1 到 64 个 A-Z a-z 0-9 . _ - 字符</translation>
        </message>
        <message>
            <source>A topic is at most 256 printable characters.</source>
            <translation>主题最多 256 个可打印字符。</translation>
        </message>
        <message>
            <source>Not a valid room name or peer id.</source>
            <translation>不是有效的房间名或节点 ID。</translation>
        </message>
        <message>
            <source>You are not in the room %1; join it first.</source>
            <translation>你不在房间 %1 中；请先加入。</translation>
        </message>
        <message>
            <source>Rooms are end to end and need an identity.</source>
            <translation>房间是端到端加密的，需要身份密钥。</translation>
        </message>
        <message>
            <source>A message from %1 in %2 could not be opened.</source>
            <translation>来自 %1 的 %2 房间消息无法解密。</translation>
        </message>
        <message>
            <source>The message is too large for this hub: %1 bytes sealed, at most %2.</source>
            <translation>消息对此枢纽来说太大：加密后 %1 字节，最多 %2 字节。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::SenderMemory</name>
        <message>
            <source>the field "%1" is missing or not valid</source>
            <translation>字段“%1”缺失或无效</translation>
        </message>
        <message>
            <source>it is not JSON (%1 at byte %2)</source>
            <translation>它不是 JSON（第 %2 字节处：%1）</translation>
        </message>
        <message>
            <source>it is not a PeerLink transfers file of version %1</source>
            <translation>它不是第 %1 版的 PeerLink 传输文件</translation>
        </message>
        <message>
            <source>the transfer %1 is there twice</source>
            <translation>传输 %1 出现了两次</translation>
        </message>
        <message>
            <source>entry %1 is skipped: %2</source>
            <translation>已跳过第 %1 项：%2</translation>
        </message>
        <message>
            <source>not an object</source>
            <translation>不是对象</translation>
        </message>
        <message>
            <source>%1 can be changed by other users, so no transfer in it is resumed and it is not written; make it the owner's only (chmod 600 %1)</source>
            <translation>%1 可被其他用户修改，因此不会继续其中的任何传输，也不会写入它；请设为仅所有者可用（chmod 600 %1）</translation>
        </message>
        <message>
            <source>%1 is too large for a transfers file; it is replaced</source>
            <translation>%1 作为传输文件过大；它将被替换</translation>
        </message>
        <message>
            <source>cannot read %1: %2</source>
            <translation>无法读取 %1：%2</translation>
        </message>
        <message>
            <source>%1 cannot be used (%2); no transfer in it is resumed and it is replaced</source>
            <translation>%1 无法使用（%2）；不会继续其中的任何传输，它将被替换</translation>
        </message>
        <message>
            <source>cannot save the outgoing transfers in %1: %2</source>
            <translation>无法把正在发送的传输保存到 %1：%2</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::SettingsDialog</name>
        <message>
            <source>Save files from verified peers in</source>
            <translation>将已验证对方的文件保存到</translation>
        </message>
        <message>
            <source>Choose the folder files from verified peers are saved in.</source>
            <translation>请选择保存已验证对方文件的文件夹。</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::TransferItem</name>
        <message>
            <source>This transfer is no longer listed.</source>
            <translation>此传输已不在列表中。</translation>
        </message>
        <message>
            <source>%1 offers you this file.</source>
            <translation>%1 向你发送此文件。</translation>
        </message>
        <message>
            <source>Waiting for %1 to accept.</source>
            <translation>等待 %1 接受。</translation>
        </message>
        <message>
            <source>Receiving: %1 of %2</source>
            <translation>正在接收：%1 / %2</translation>
        </message>
        <message>
            <source>Sending: %1 of %2</source>
            <translation>正在发送：%1 / %2</translation>
        </message>
        <message>
            <source>Paused at %1 of %2</source>
            <translation>已暂停于 %1 / %2</translation>
        </message>
        <message>
            <source>Paused: %1</source>
            <translation>已暂停：%1</translation>
        </message>
        <message>
            <source>Received.</source>
            <translation>已接收。</translation>
        </message>
        <message>
            <source>Sent: %1 has it.</source>
            <translation>已发送：%1 已收到。</translation>
        </message>
        <message>
            <source>You declined it.</source>
            <translation>你已拒绝。</translation>
        </message>
        <message>
            <source>%1 declined it.</source>
            <translation>%1 已拒绝。</translation>
        </message>
        <message>
            <source>Cancelled by the sender, %1.</source>
            <translation>已被发送方 %1 取消。</translation>
        </message>
        <message>
            <source>Cancelled by %1.</source>
            <translation>已被 %1 取消。</translation>
        </message>
        <message>
            <source>Cancelled.</source>
            <translation>已取消。</translation>
        </message>
        <message>
            <source>Failed.</source>
            <translation>失败。</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>失败：%1</translation>
        </message>
        <message>
            <source>%1, %2</source>
            <translation>%1，%2</translation>
        </message>
        <message>
            <source>file</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Paused by you at %1 of %2</source>
            <translation>已由你暂停于 %1 / %2</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::TransferItemWidget</name>
        <message>
            <source>File %1</source>
            <translation>文件 %1</translation>
        </message>
        <message>
            <source>Accept %1</source>
            <translation>接受 %1</translation>
        </message>
        <message>
            <source>Decline %1</source>
            <translation>拒绝 %1</translation>
        </message>
        <message>
            <source>Cancel the transfer of %1</source>
            <translation>取消 %1 的传输</translation>
        </message>
        <message>
            <source>Open %1</source>
            <translation>打开 %1</translation>
        </message>
        <message>
            <source>Progress of %1</source>
            <translation>%1 的进度</translation>
        </message>
        <message>
            <source>Accept…</source>
            <translation>接受…</translation>
        </message>
        <message>
            <source>Choose where to save the file and receive it</source>
            <translation>选择保存位置并接收文件</translation>
        </message>
        <message>
            <source>Decline</source>
            <translation>拒绝</translation>
        </message>
        <message>
            <source>Decline the file (the sender is told)</source>
            <translation>拒绝此文件（会告知发送方）</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
        <message>
            <source>Pause the transfer of %1</source>
            <translation>暂停 %1 的传输</translation>
        </message>
        <message>
            <source>Resume the transfer of %1</source>
            <translation>继续 %1 的传输</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Pause the transfer; the peer sees that you paused it, and only you can resume it</source>
            <translation>暂停传输；对方会看到是你暂停的，且只有你能继续</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Go on from where it stopped</source>
            <translation>从停下的地方继续</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::TransfersModel</name>
        <message>
            <source>%1 to %2</source>
            <translation>%1 发给 %2</translation>
        </message>
        <message>
            <source>%1 from %2</source>
            <translation>%1 来自 %2</translation>
        </message>
        <message>
            <source>Offered, %1</source>
            <translation>对方提供，%1</translation>
        </message>
        <message>
            <source>Waiting for %1 to accept, %2</source>
            <translation>等待 %1 接受，%2</translation>
        </message>
        <message>
            <source>%1 of %2</source>
            <translation>%1 / %2</translation>
        </message>
        <message>
            <source>%1, %2/s, %3 left</source>
            <translation>%1，%2/秒，剩余 %3</translation>
        </message>
        <message>
            <source>Paused, %1 of %2</source>
            <translation>已暂停，%1 / %2</translation>
        </message>
        <message>
            <source>Paused: %1</source>
            <translation>已暂停：%1</translation>
        </message>
        <message>
            <source>Done, %1</source>
            <translation>已完成，%1</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>失败：%1</translation>
        </message>
        <message>
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>Cancelled: %1</source>
            <translation>已取消：%1</translation>
        </message>
        <message>
            <source>Paused by you, %1 of %2</source>
            <translation>已由你暂停，%1 / %2</translation>
        </message>
        <message>
            <source>Waiting for %1 to go on, %2 of %3</source>
            <translation>等待 %1 继续，已完成 %3 中的 %2</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::TransfersPanel</name>
        <message>
            <source>Save %1 in</source>
            <translation>将 %1 保存到</translation>
        </message>
    </context>
    <context>
        <name>PeerLink::VerifyPeerDialog</name>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <source>Verify %1</source>
            <translation>验证 %1</translation>
        </message>
        <message>
            <source>%1 has no key on this hub (an older PeerLink, or no identity), so there is nothing to compare and messages with them are not end-to-end encrypted.</source>
            <translation>%1 在这个枢纽上没有密钥（较旧的 PeerLink，或没有身份），因此没有可核对的内容，与对方的消息也不是端到端加密的。</translation>
        </message>
        <message>
            <source>You have no identity at the moment, so %1 cannot verify you and you cannot mark them verified. See PeerLink ▸ My identity.</source>
            <translation>你目前没有身份，因此 %1 无法验证你，你也无法将对方标记为已验证。请查看 PeerLink ▸ 我的身份。</translation>
        </message>
        <message>
            <source>Compare these numbers with %1 in person, or on a call where you know their voice: each of you reads out what the other's PeerLink shows. If both pairs match, mark %1 as verified. If they differ, someone may be in between: do not mark them.</source>
            <translation>请当面或在能听出对方声音的通话中与 %1 核对这些数字：双方各自读出对方 PeerLink 显示的内容。如果两组都一致，就把 %1 标记为已验证。如果不一致，可能有人在中间拦截：不要标记。</translation>
        </message>
        <message>
            <source>%1's key changed: these are the numbers of the new key. Marking it verified also accepts it.</source>
            <translation>%1 的密钥已更改：这些是新密钥的数字。将其标记为已验证也会接受它。</translation>
        </message>
        <message>
            <source>%1's fingerprint</source>
            <translation>%1 的指纹</translation>
        </message>
        <message>
            <source>Your fingerprint</source>
            <translation>你的指纹</translation>
        </message>
        <message>
            <source>&amp;Mark as verified</source>
            <translation>标记为已验证(&amp;M)</translation>
        </message>
        <message>
            <source>&amp;Remove the verified mark</source>
            <translation>移除已验证标记(&amp;R)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>PeerLink settings</source>
            <translation>PeerLink 设置</translation>
        </message>
        <message>
            <source>Default &amp;id:</source>
            <translation>默认 ID(&amp;I)：</translation>
        </message>
        <message>
            <source>Display &amp;name:</source>
            <translation>显示名称(&amp;N)：</translation>
        </message>
        <message>
            <source>&amp;Start hosting a hub when PeerLink starts</source>
            <translation>PeerLink 启动时开始托管枢纽(&amp;S)</translation>
        </message>
        <message>
            <source>Show &amp;notifications for new messages</source>
            <translation>新消息时显示通知(&amp;N)</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>语言(&amp;L)：</translation>
        </message>
        <message>
            <source>&amp;Keep messages:</source>
            <translation>消息保留时间(&amp;K)：</translation>
        </message>
        <message>
            <source>Messages older than this are deleted from the history, at start and once a day.</source>
            <translation>早于此期限的消息会在启动时以及每天一次从记录中删除。</translation>
        </message>
        <message>
            <source>Forever</source>
            <translation>永久</translation>
        </message>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>Send &amp;read receipts (peers see when you have read their messages)</source>
            <translation>发送已读回执（对方可看到你已读其消息）(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Keep running in the tray when the window is closed</source>
            <translation>关闭窗口后在托盘中继续运行(&amp;K)</translation>
        </message>
        <message>
            <source>Default hub &amp;addresses:</source>
            <translation>默认枢纽地址(&amp;A)：</translation>
        </message>
        <message>
            <source>Incoming &amp;files:</source>
            <translation>接收文件(&amp;F)：</translation>
        </message>
        <message>
            <source>What PeerLink does when a peer offers you a file. Verified peers are those you marked verified (Verify…) for the key they have now; offers from other peers are still asked about.</source>
            <translation>对方向你发送文件时 PeerLink 的处理方式。已验证的对方是指你已针对其当前密钥标记为已验证（验证…）的对方；来自其他对方的文件仍会询问你。</translation>
        </message>
        <message>
            <source>Always ask</source>
            <translation>总是询问</translation>
        </message>
        <message>
            <source>Accept from verified peers into the folder below</source>
            <translation>接收已验证对方的文件，保存到下面的文件夹</translation>
        </message>
        <message>
            <source>Decline all</source>
            <translation>全部拒绝</translation>
        </message>
        <message>
            <source>Sa&amp;ve files in:</source>
            <translation>文件保存到(&amp;V)：</translation>
        </message>
        <message>
            <source>Files from verified peers are saved here. If the folder is missing or cannot be written to, PeerLink asks where to save instead.</source>
            <translation>来自已验证对方的文件保存在这里。如果该文件夹不存在或无法写入，PeerLink 会改为询问保存位置。</translation>
        </message>
        <message>
            <source>&amp;Browse…</source>
            <translation>浏览(&amp;B)…</translation>
        </message>
    </context>
    <context>
        <name>TransfersPanel</name>
        <message>
            <source>File transfers</source>
            <translation>文件传输</translation>
        </message>
        <message>
            <source>&amp;Accept…</source>
            <translation>接受(&amp;A)…</translation>
        </message>
        <message>
            <source>Accept the offered file and choose where to save it</source>
            <translation>接受对方提供的文件并选择保存位置</translation>
        </message>
        <message>
            <source>&amp;Decline</source>
            <translation>拒绝(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Cancel transfer</source>
            <translation>取消传输(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Resume</source>
            <translation>继续(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Open</source>
            <translation>打开(&amp;O)</translation>
        </message>
        <message>
            <source>Show in &amp;folder</source>
            <translation>在文件夹中显示(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Pause</source>
            <translation>暂停(&amp;P)</translation>
        </message>
        <message>
            <source>Pause the transfer; the peer sees that you paused it, and only you can resume it</source>
            <translation>暂停传输；对方会看到是你暂停的，且只有你能继续</translation>
        </message>
        <message>
            <source>Go on with a transfer you paused, or one paused because the file could not be written</source>
            <translation>继续你暂停的传输，或因无法写入文件而暂停的传输</translation>
        </message>
    </context>
    <context>
        <name>WelcomeDialog</name>
        <message>
            <source>Welcome to PeerLink</source>
            <translation>欢迎使用 PeerLink</translation>
        </message>
        <message>
            <source>Choose how others will see you. You can change it later in Settings.</source>
            <translation>选择别人看到的你。之后可以在设置中修改。</translation>
        </message>
        <message>
            <source>Your &amp;name:</source>
            <translation>你的名字(&amp;N)：</translation>
        </message>
        <message>
            <source>Your name</source>
            <translation>你的名字</translation>
        </message>
        <message>
            <source>Your &amp;id:</source>
            <translation>你的 ID(&amp;I)：</translation>
        </message>
        <message>
            <source>Your id</source>
            <translation>你的 ID</translation>
        </message>
        <message>
            <source>How the hub and other peers address you: letters, digits, dots, dashes or underscores</source>
            <translation>中心和其他节点用来称呼你的标识：字母、数字、点、短横线或下划线</translation>
        </message>
        <message>
            <source>&amp;Host a hub for my group</source>
            <translation>为我的群组架设中心(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;Join a hub</source>
            <translation>加入一个中心(&amp;J)</translation>
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>peerlink-cli: the hub's certificate is not trusted (%1).
Its SHA-256 fingerprint is %2; if the hub's operator confirms it, run again with --pin %2</source>
            <translation>peerlink-cli：枢纽的证书不受信任（%1）。
其 SHA-256 指纹为 %2；如果枢纽的运营者确认无误，请加上 --pin %2 重新运行</translation>
        </message>
        <message>
            <source>peerlink-cli: no ack within %1 s</source>
            <translation>peerlink-cli：%1 秒内没有收到确认</translation>
        </message>
        <message>
            <source>peerlink-cli: dropped an input line of over %1 bytes</source>
            <translation>peerlink-cli：丢弃了一行超过 %1 字节的输入</translation>
        </message>
        <message>
            <source>Peer id: 1 to 64 of A-Z a-z 0-9 . _ -</source>
            <translation>节点 ID：1 到 64 个 A-Z a-z 0-9 . _ - 字符</translation>
        </message>
        <message>
            <source>Display name.</source>
            <translation>显示名称。</translation>
        </message>
        <message>
            <source>Hub password (or set PEERLINK_PASSWORD).</source>
            <translation>枢纽密码（也可设置环境变量 PEERLINK_PASSWORD）。</translation>
        </message>
        <message>
            <source>Print each event as one JSON object per line.</source>
            <translation>把每个事件输出为一行 JSON 对象。</translation>
        </message>
        <message>
            <source>Send TEXT once, wait for the hub's ack and exit.</source>
            <translation>发送一次 TEXT，等待枢纽确认后退出。</translation>
        </message>
        <message>
            <source>With --send: send to this peer only.</source>
            <translation>与 --send 一起使用：只发给这个节点。</translation>
        </message>
        <message>
            <source>With --send: give up after this many seconds (default 10).</source>
            <translation>与 --send 一起使用：超过这么多秒后放弃（默认 10）。</translation>
        </message>
        <message>
            <source>Where to accept direct links from peers (default 0.0.0.0:0: every interface, any port).</source>
            <translation>在哪里接受其他节点的直连（默认 0.0.0.0:0：所有网络接口，任意端口）。</translation>
        </message>
        <message>
            <source>Accept no direct links: peers that connect to this one go through the hub, or are dialled.</source>
            <translation>不接受直连：连接本节点的节点通过枢纽转发，或由本节点主动拨号。</translation>
        </message>
        <message>
            <source>Exit when the connection to the hub is lost, instead of reconnecting with backoff and resuming (messages not yet acknowledged are kept and sent again).</source>
            <translation>与枢纽的连接断开时退出，而不是退避重连并恢复会话（尚未确认的消息会被保留并重新发送）。</translation>
        </message>
        <message>
            <source>peerlink-cli: --hub URL and --id ID are required (see --help)</source>
            <translation>peerlink-cli：必须提供 --hub URL 和 --id ID（参见 --help）</translation>
        </message>
        <message>
            <source>peerlink-cli: --hub takes a ws:// or wss:// URL (got "%1")</source>
            <translation>peerlink-cli：--hub 需要 ws:// 或 wss:// 地址（收到的是“%1”）</translation>
        </message>
        <message>
            <source>peerlink-cli: --to goes with --send</source>
            <translation>peerlink-cli：--to 需要与 --send 一起使用</translation>
        </message>
        <message>
            <source>peerlink-cli: --timeout takes a whole number of seconds from 1 to 3600</source>
            <translation>peerlink-cli：--timeout 需要 1 到 3600 之间的整数秒</translation>
        </message>
        <message>
            <source>peerlink-cli: --listen takes ADDRESS:PORT such as 0.0.0.0:0 or 127.0.0.1:9100 (got "%1")</source>
            <translation>peerlink-cli：--listen 需要 地址:端口，例如 0.0.0.0:0 或 127.0.0.1:9100（收到的是“%1”）</translation>
        </message>
        <message>
            <source>With --identity: print the identity's fingerprint and exit.</source>
            <translation>与 --identity 一起使用：打印身份指纹后退出。</translation>
        </message>
        <message>
            <source>peerlink-cli: cannot use the identity: %1</source>
            <translation>peerlink-cli：无法使用该身份：%1</translation>
        </message>
        <message>
            <source>peerlink-cli: --show-identity needs --identity FILE</source>
            <translation>peerlink-cli：--show-identity 需要 --identity FILE</translation>
        </message>
        <message>
            <source>peerlink-cli: %1</source>
            <translation>peerlink-cli：%1</translation>
        </message>
        <message>
            <source>Keep every message sent and received in FILE (SQLite); /history PEER [N] prints the last ones.</source>
            <translation>把收发的每条消息保存在 FILE（SQLite）中；/history 节点 [N] 打印最近的消息。</translation>
        </message>
        <message>
            <source>peerlink-cli: history: %1</source>
            <translation>peerlink-cli：历史记录：%1</translation>
        </message>
        <message>
            <source>Send no read receipts: peers are told a message was delivered, never that it was read.</source>
            <translation>不发送已读回执：对方只会得知消息已送达，不会得知已读。</translation>
        </message>
        <message>
            <source>peerlink-cli: --hub: not a valid invitation (%1)</source>
            <translation>peerlink-cli：--hub：不是有效的邀请（%1）</translation>
        </message>
        <message>
            <source>peerlink-cli: this hub asks for a password: add --password</source>
            <translation>peerlink-cli：此中心需要密码：请加上 --password</translation>
        </message>
        <message>
            <source>Accept every file offered into DIR (made if missing); without it offers are printed for /accept or /decline.</source>
            <translation>把别人提供的每个文件都接收到 DIR（不存在则创建）；不指定时只打印提议，由 /accept 或 /decline 答复。</translation>
        </message>
        <message>
            <source>Decline files offered that are larger than this many bytes (default 17179869184, 16 GiB).</source>
            <translation>拒绝大于此字节数的文件（默认 17179869184，即 16 GiB）。</translation>
        </message>
        <message>
            <source>peerlink-cli: --max-file-size takes a number of bytes (got "%1")</source>
            <translation>peerlink-cli：--max-file-size 需要一个字节数（得到的是 "%1"）</translation>
        </message>
        <message>
            <source>Hub URL, e.g. ws://127.0.0.1:9000, or an invitation link (peerlink://join?…) from the hub's host (all its addresses). Repeat it for hubs to fail over to, in order: when the hub in use stops answering, the next one is tried at once and the session resumed there.</source>
            <translation>枢纽地址，例如 ws://127.0.0.1:9000，或枢纽主人给出的邀请链接（peerlink://join?…，其中的所有地址）。可重复给出，作为按顺序切换的备用枢纽：当前枢纽不再应答时，立即尝试下一个，并在那里恢复会话。</translation>
        </message>
        <message>
            <source>Give up on a hub that has not welcomed this peer within S seconds, and try the next one (default 10).</source>
            <translation>枢纽在 S 秒内没有欢迎本节点时放弃它，改试下一个（默认 10）。</translation>
        </message>
        <message>
            <source>While joined, ping the hub every S seconds; no answer within S more seconds and it counts as gone (default 15; 0: no pings).</source>
            <translation>加入后每 S 秒向枢纽发送 ping；再过 S 秒仍无应答即视为枢纽已离开（默认 15；0：不发送 ping）。</translation>
        </message>
        <message>
            <source>peerlink-cli: --%1 takes a whole number of seconds from %2 to 3600 (got "%3")</source>
            <translation>peerlink-cli：--%1 需要 %2 到 3600 之间的整数秒数（收到“%3”）</translation>
        </message>
        <message>
            <source>For wss:// hubs: trust the certificate with this SHA-256 fingerprint (as peerlink-hub prints it), on every hub given (else an invitation's fingerprint holds for its addresses).</source>
            <translation>用于 wss:// 枢纽：信任具有此 SHA-256 指纹（与 peerlink-hub 打印的一致）的证书，适用于给出的每个枢纽（否则邀请链接中的指纹适用于其中的地址）。</translation>
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
            <translation>PeerLink 无界面节点。从标准输入读取命令，每行一条：
  TEXT              把 TEXT 发给所有节点
  /to PEER TEXT     只把 TEXT 发给 PEER
  /join #ROOM       加入 ROOM（不存在时创建为公开房间；房间需要 --identity）
  /leave #ROOM      离开 ROOM
  /rooms            列出你能看到的房间
  /members #ROOM    列出 ROOM 的成员及谁在线
  /to #ROOM TEXT    把 TEXT 发给 ROOM 的成员（端到端加密，使用发送者密钥）
  /create #ROOM [invite-only] [TOPIC]  创建 ROOM；/invite、/remove #ROOM PEER 邀请或移出成员；/topic #ROOM [TOPIC] 设置主题；/close #ROOM 关闭房间
  /connect PEER     与 PEER 建立直连（直连建立前由枢纽转发）
  /peers            列出已加入的节点
  /fingerprint [PEER]  显示 PEER（或你自己）的密钥指纹，以便当面核对
  /trust PEER       接受 PEER 已变更的密钥（在此之前与其往来的消息均被阻止）
  /send-file PEER PATH  把 PATH 处的文件发给 PEER（端到端加密；双方都需要 --identity）
  /accept ID [DIR]  接收编号为 ID 的文件，存入 DIR（默认：--accept-files 指定的目录或当前目录）
  /decline ID       拒绝编号为 ID 的文件
  /cancel ID        取消传输 ID（任一方均可）
  /pause ID         暂停传输 ID（任一方均可；对方会看到是谁暂停的）
  /resume ID        继续你暂停的传输，或因磁盘已满而暂停的传输
  /quit             离开（输入结束时也会离开）</translation>
        </message>
        <message>
            <source>Join with the identity key in FILE (created on first use, owner-only): messages to peers with identities are end-to-end encrypted, broadcasts signed, direct links encrypted. Known peers' keys are kept in FILE.known, and files being sent in FILE.transfers (owner-only): started again with FILE, they go on.</source>
            <translation>使用 FILE 中的身份密钥加入（首次使用时创建，仅所有者可读写）：发给有身份的节点的消息端到端加密，广播带签名，直连加密。已知节点的密钥保存在 FILE.known 中，正在发送的文件记录在 FILE.transfers 中（仅所有者可读写）：使用同一 FILE 再次启动时，它们会继续发送。</translation>
        </message>
    </context>
</TS>
