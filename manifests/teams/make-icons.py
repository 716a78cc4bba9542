#!/usr/bin/env python3
"""Draws the Teams app icons without any image library: color.png (192x192, full colour) and
outline.png (32x32, white on transparent, as Teams requires). Run: python3 manifests/teams/make-icons.py"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def png(path, size, pixel):
    """Writes an RGBA PNG whose pixel (x, y) is pixel(x, y, size) -> (r, g, b, a)."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            rows.extend(pixel(x, y, size))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def in_shield(u, v):
    """A shield in unit coordinates (0..1): straight top half, tapering to a point at the bottom."""
    if v < 0.12 or v > 0.92:
        return False
    if v < 0.55:
        return 0.18 <= u <= 0.82
    half = 0.32 * (0.92 - v) / 0.37
    return abs(u - 0.5) <= half


def in_tick(u, v, width):
    """A check mark: two strokes, (0.33,0.50)->(0.46,0.64) and (0.46,0.64)->(0.68,0.36)."""
    def near(ax, ay, bx, by):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy)))
        px, py = ax + t * dx, ay + t * dy
        return (u - px) ** 2 + (v - py) ** 2 <= width * width
    return near(0.33, 0.50, 0.46, 0.64) or near(0.46, 0.64, 0.68, 0.36)


def color(x, y, size):
    u, v = (x + 0.5) / size, (y + 0.5) / size
    if in_shield(u, v):
        return (255, 255, 255, 255) if not in_tick(u, v, 0.045) else (0x1F, 0x6F, 0xB5, 255)
    return (0x1F, 0x6F, 0xB5, 255)  # accent colour, as in manifest.json


def outline(x, y, size):
    u, v = (x + 0.5) / size, (y + 0.5) / size
    shield = in_shield(u, v)
    # The outline icon is the shield's rim plus the tick: white on transparent.
    inner = in_shield(0.5 + (u - 0.5) * 1.25, 0.52 + (v - 0.52) * 1.2)
    white = (shield and not inner) or in_tick(u, v, 0.05)
    return (255, 255, 255, 255) if white else (0, 0, 0, 0)


if __name__ == "__main__":
    png(os.path.join(HERE, "color.png"), 192, color)
    png(os.path.join(HERE, "outline.png"), 32, outline)
