#!/usr/bin/env python3
"""Writes foreign-nested.ora by hand from the OpenRaster specification
(https://www.openraster.org/baseline/file-layout-spec.html), independently of Limner's
writer, the way Krita and GIMP lay out their files: groups as nested <stack>s, deflated
entries, a 16-bit PNG, a blend mode Limner does not have and an entry it does not know."""
import struct
import sys
import zipfile
import zlib


def png(width, height, rgba, depth=8):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b""
    for _ in range(height):
        row = b""
        for _ in range(width):
            if depth == 8:
                row += bytes(rgba)
            else:
                row += b"".join(struct.pack(">H", c * 257) for c in rgba)
        raw += b"\0" + row
    header = struct.pack(">IIBBBBB", width, height, depth, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


STACK = """<?xml version="1.0" encoding="UTF-8"?>
<image version="0.0.5" w="64" h="48" xres="72" yres="72">
 <stack>
  <layer name="multiply" src="data/multiply.png" composite-op="svg:multiply" x="0" y="0"/>
  <stack name="hidden group" visibility="hidden">
   <layer name="in hidden group" src="data/hidden.png" visibility="visible"/>
  </stack>
  <stack name="group" x="8" y="4" opacity="0.5">
   <layer name="sixteen bit" src="data/sixteen.png" x="2" y="3" opacity="0.8" visibility="visible"/>
  </stack>
  <layer name="background" src="data/background.png" x="0" y="0" opacity="1.0" visibility="visible"
         composite-op="svg:src-over"/>
 </stack>
</image>
"""

out = sys.argv[1] if len(sys.argv) > 1 else "foreign-nested.ora"
with zipfile.ZipFile(out, "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "image/openraster", compress_type=zipfile.ZIP_STORED)
    z.writestr("stack.xml", STACK, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("data/background.png", png(64, 48, (0, 0, 255, 255)), compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("data/sixteen.png", png(10, 10, (255, 0, 0, 255), depth=16), compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("data/hidden.png", png(5, 5, (0, 255, 0, 128)))
    z.writestr("data/multiply.png", png(64, 48, (200, 200, 200, 255)))
    z.writestr("mergedimage.png", png(64, 48, (0, 0, 200, 255)))
    z.writestr("Thumbnails/thumbnail.png", png(64, 48, (0, 0, 200, 255)))
    z.writestr("annotations/unknown.xml", "<x/>")
