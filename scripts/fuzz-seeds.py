#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn what tests/fuzz/capture.sh sent to its result channel into candidate
# inputs for each libFuzzer target in tests/fuzz/ (scripts/fuzz-seeds.sh
# then keeps the ones that add coverage).
#
#   fuzz-seeds.py <result file> <out dir>
#
# Input lines (CRs ignored, others skipped):
#   cap <g2h|h2g> <msg|pkt> <relid> <len> <hex>   lis_sim's byte capture
#                                                 (drivers/sim/capture.c)
#   mountinfo <line>                              the guest's mountinfo
#
# Writes <out dir>/<target>/<n>, distinct inputs in the format each
# tests/fuzz/fuzz_<target>.c documents:
#   fuzz_conn       the whole session as a program: guest calls for what
#                   the guest posted, raw host messages (opcode 1) for
#                   what the host sent; and its prefixes ending at each
#                   host message
#   fuzz_ring       per channel and direction: the packets' sizes replayed
#                   through a clean ring (write_inband, peek, copy, skip,
#                   commit), and the real packets' bytes poked into a
#                   ring (descriptor included)
#   fuzz_ic         every VSS packet, with the versions lis_vss speaks
#   fuzz_vss        every VSS packet, with the session's operations as the
#                   transaction script
#   fuzz_dm         every Dynamic Memory message the host sent
#   fuzz_dm_host    every Dynamic Memory message the guest sent
#   fuzz_mountinfo  the mount table, whole and cut, with a few probe seeds

import hashlib
import os
import struct
import sys

OFFER, INITIATE_CONTACT = 1, 14
CLASSES = {
    # if_type as the offer carries it (guid_t: little-endian fields)
    bytes.fromhex('dc7450528589e2468057a307dc18a502'): 'dm',
    bytes.fromhex('292efa3523ea364296ae3a6ebacba440'): 'vss',
    bytes.fromhex('4553494c40ec3a4b9f136c69735f6563'): 'echo',
}
GPADL_SIZES = [0, 1, 26, 27, 54, 55, 4096, 8190, 8191, 16384, 0xffffffff]


def u16(b, o):
    return struct.unpack_from('<H', b, o)[0]


def u32(b, o):
    return struct.unpack_from('<I', b, o)[0]


def read(path):
    recs, mounts = [], []
    with open(path, 'rb') as f:
        for raw in f:
            line = raw.decode('utf-8', 'replace').rstrip('\r\n').replace('\r', '')
            if line.startswith('cap '):
                w = line.split(' ')
                if len(w) < 6 or w[1][:1] == '#':
                    continue
                try:
                    data = bytes.fromhex(w[5])
                except ValueError:
                    continue
                recs.append((w[1], w[2], int(w[3]), int(w[4]), data))
            elif line.startswith('mountinfo '):
                mounts.append(line[len('mountinfo '):])
    return recs, mounts


def classes(recs):
    """relid -> class name, from the host's offers."""
    out = {}
    for d, kind, _, _, b in recs:
        if d == 'h2g' and kind == 'msg' and len(b) >= 188 and u32(b, 0) == OFFER:
            out[u32(b, 184)] = CLASSES.get(bytes(b[8:24]), 'other')
    return out


def payload(b):
    """A packet's body: from offset8 * 8 to len8 * 8, as drivers read it."""
    if len(b) < 16:
        return None
    off, end = u16(b, 2) * 8, u16(b, 4) * 8
    if off < 16 or off > end:
        return None
    return bytes(b[off:min(end, len(b))])


def rel(relid):
    return b'\xc0' + struct.pack('<I', relid)


def gpadl_n(npfns):
    if npfns in GPADL_SIZES:
        return GPADL_SIZES.index(npfns)
    n = (npfns + 6) // 7
    return min(max(n, 11), 255)


def conn_seeds(recs):
    prog, cuts = bytearray(), []
    for d, kind, _, _, b in recs:
        if kind != 'msg' or len(b) < 8:
            continue
        t = u32(b, 0)
        if d == 'h2g':
            prog += bytes([1, min(len(b), 255)]) + b[:255]
            cuts.append(len(prog))
            continue
        if t == INITIATE_CONTACT:
            prog += b'\x00'
        elif t == 8 and len(b) >= 20:           # GPADL_HEADER
            prog += bytes([11]) + rel(u32(b, 8)) + \
                bytes([gpadl_n(max(u16(b, 16) - 8, 0) // 8)])
        elif t == 5 and len(b) >= 28:           # OPENCHANNEL
            prog += bytes([9]) + rel(u32(b, 8)) + rel(u32(b, 16)) + \
                bytes([0, 0, u32(b, 20) & 0xff, u32(b, 24) & 0xff])
        elif t == 7 and len(b) >= 12:           # CLOSECHANNEL
            prog += bytes([10]) + rel(u32(b, 8))
        elif t == 11 and len(b) >= 16:          # GPADL_TEARDOWN
            prog += bytes([12]) + rel(u32(b, 12))
        elif t == 13 and len(b) >= 12:          # RELID_RELEASED
            prog += bytes([13]) + rel(u32(b, 8))
        elif t == 16:                           # UNLOAD
            prog += bytes([14])
        # REQUESTOFFERS and GPADL_BODY the state machine posts itself.
    seeds = [bytes(prog)]
    seeds += [bytes(prog[:c]) for c in cuts]
    return seeds


def ring_replay(pkts):
    """The packets' sizes through a clean 4-page ring, read as a host would."""
    s = bytearray([3, 1]) + bytes(20) + b'\x00'
    for b in pkts:
        plen = max(len(b) - 16, 0) & 0xffff
        cut = plen // 3
        s += bytes([5]) + struct.pack('<HBHH', plen, 0, cut, 2 * cut)
        s += bytes([6, 0]) + bytes([1]) + struct.pack('<HHB', 16, plen, 0)
        s += bytes([2, 3, 7])
    s += bytes([9])
    return bytes(s)


def ring_raw(pkts):
    """The real packets' bytes poked into a 1-page ring, peeked and read."""
    s = bytearray([0, 1]) + bytes(20) + b'\x00'
    pos = 0
    for b in pkts:
        if len(b) > 255 - 8 or len(b) < 16:
            continue
        rec = bytes(b) + bytes(-len(b) % 8)
        trailer = struct.pack('<Q', pos << 32)
        s += bytes([12]) + struct.pack('<HB', pos, len(rec) + 8) + rec + trailer
        pos = (pos + len(rec) + 8) % 4096
        s += bytes([11, 0x80]) + struct.pack('<I', pos)
        s += bytes([0, 1]) + struct.pack('<HHB', 0, len(rec), 0) + bytes([2, 3])
    return bytes(s)


def chunks(seq, n):
    return [seq[i:i + n] for i in range(0, len(seq), n)]


def ring_seeds(recs):
    chans = {}
    for d, kind, relid, _, b in recs:
        if kind == 'pkt':
            chans.setdefault((relid, d), []).append(b)
    seeds = []
    for pkts in chans.values():
        for part in chunks(pkts, 24):
            seeds.append(ring_replay(part))
            seeds.append(ring_raw(part))
    return seeds


def by_class(recs, cls, want, direction):
    out = []
    for d, kind, relid, _, b in recs:
        if kind == 'pkt' and d == direction and cls.get(relid) == want:
            p = payload(b)
            if p is not None:
                out.append(p)
    return out


def vss_script(recs, cls):
    s = bytearray([4])                          # the daemon says hello
    for p in by_class(recs, cls, 'vss', 'h2g'):
        if len(p) >= 29 and u16(p, 12) == 5:
            s += bytes([((p[28] & 31) << 3) | 0, 1])  # host op, reply
    return bytes(s[:64])


def mountinfo_seeds(lines):
    text = ''.join(line + '\n' for line in lines).encode()
    seeds = [struct.pack('<H', k) + text for k in (0, 0x1234, 0xbeef)]
    # Only the disks' mounts, and a cut in the middle of a line.
    disks = ''.join(line + '\n' for line in lines if '/mnt' in line).encode()
    seeds.append(b'\x07\x00' + disks)
    seeds.append(b'\x01\x00' + text[:len(text) // 2])
    return seeds


def main():
    recs, mounts = read(sys.argv[1])
    out = sys.argv[2]
    cls = classes(recs)
    vss_ic = by_class(recs, cls, 'vss', 'h2g') + by_class(recs, cls, 'vss', 'g2h')
    script = vss_script(recs, cls)
    targets = {
        'fuzz_conn': conn_seeds(recs),
        'fuzz_ring': ring_seeds(recs),
        'fuzz_ic': [b'\x06\x03\x01\x05' + p for p in vss_ic] +
                   [b'\x16\x03\x01\x05' + p for p in vss_ic[:4]],
        'fuzz_vss': [struct.pack('<H', len(p)) + p + script for p in vss_ic],
        'fuzz_dm': [b'\x00' + p for p in by_class(recs, cls, 'dm', 'h2g')],
        'fuzz_dm_host': by_class(recs, cls, 'dm', 'g2h'),
        'fuzz_mountinfo': mountinfo_seeds(mounts) if mounts else [],
    }
    print('fuzz-seeds: %d records, channels %s' %
          (len(recs), ' '.join('%u=%s' % kv for kv in sorted(cls.items()))))
    for name, seeds in targets.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        seen = set()
        for s in seeds:
            h = hashlib.sha1(s).hexdigest()
            if h in seen:
                continue
            seen.add(h)
            with open(os.path.join(d, h), 'wb') as f:
                f.write(s)
        print('fuzz-seeds: %-15s %4d candidates' % (name, len(seen)))


if __name__ == '__main__':
    main()
