#!/usr/bin/env python3
"""Packs the app icon's PNG sizes into packaging/windows/peerlink.ico and packaging/macos/peerlink.icns.
Both formats hold PNG images directly (ICO since Vista, ICNS since 10.5), so no image library is needed.
Usage: make-platform-icons.py [PNG_512]  (the 512 px PNG for the icns is optional)."""
import pathlib
import struct
import sys

root = pathlib.Path(__file__).resolve().parents[1]
hicolor = root / 'resources' / 'icons' / 'hicolor'


def png(size):
    return (hicolor / f'{size}x{size}' / 'apps' / 'peerlink.png').read_bytes()


def write_ico(path, sizes):
    images = [png(s) for s in sizes]
    header = struct.pack('<HHH', 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b''
    for size, data in zip(sizes, images):
        dim = 0 if size >= 256 else size
        entries += struct.pack('<BBBBHHII', dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    path.write_bytes(header + entries + b''.join(images))


def write_icns(path, extra512):
    chunks = [(b'icp4', png(16)), (b'icp5', png(32)), (b'icp6', png(64)), (b'ic07', png(128)), (b'ic08', png(256))]
    if extra512:
        chunks.append((b'ic09', pathlib.Path(extra512).read_bytes()))
    body = b''.join(kind + struct.pack('>I', 8 + len(data)) + data for kind, data in chunks)
    path.write_bytes(b'icns' + struct.pack('>I', 8 + len(body)) + body)


write_ico(root / 'packaging' / 'windows' / 'peerlink.ico', [16, 24, 32, 48, 64, 128, 256])
write_icns(root / 'packaging' / 'macos' / 'peerlink.icns', sys.argv[1] if len(sys.argv) > 1 else None)
