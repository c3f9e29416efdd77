#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# daemons_e2e.py BINDIR SHIM WORKDIR: run hv_kvp_daemon, hv_vss_daemon and
# hv_fcopy_daemon against a fake device (fake_dev.c through LD_PRELOAD)
# that plays hv_utils with upstream's messages (include/uapi/linux/
# hyperv.h): the handshake, requests, answers, and a reset after which
# the daemon registers again.  Prints TAP lines.  The KVP daemon's pools
# are its real path: run this in a mount namespace with a tmpfs on
# /var/lib/hyperv (test_daemons_e2e.sh does).  VSS is never asked to
# FREEZE here: that would freeze this machine's file systems.
import os, socket, struct, subprocess, sys

bindir, shim, work = sys.argv[1:4]
n = 0


def ok(cond, name):
    global n
    n += 1
    print(('ok' if cond else 'not ok') + ' - daemon e2e: ' + name, flush=True)


def start(daemon, args=()):
    path = os.path.join(work, daemon + '.sock')
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(20)
    env = dict(os.environ, LD_PRELOAD=shim, HV_TEST_SOCK=path)
    p = subprocess.Popen([os.path.join(bindir, daemon), '-n', *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, daemon + '.log'), 'w'))
    c, _ = srv.accept()
    c.settimeout(20)
    return p, srv, c


def again(srv, c):
    c.close()
    c, _ = srv.accept()
    c.settimeout(20)
    return c


# --- KVP: struct hv_kvp_msg is 7432 bytes
MSG = 7432


def kvp_req(c, op, pool, key=b'', val=b'', index=0):
    m = bytearray(MSG)
    m[0], m[1] = op, pool
    if op in (0, 1):
        struct.pack_into('<III', m, 4, 1, len(key) + 1, len(val) + 1 if op == 1 else 2048)
        m[16:16 + len(key)] = key
        m[528:528 + len(val)] = val
    elif op == 2:
        struct.pack_into('<I', m, 4, len(key) + 1)
        m[8:8 + len(key)] = key
    elif op == 3:
        struct.pack_into('<I', m, 4, index)
    c.send(bytes(m))
    a = c.recv(16384)
    return len(a), struct.unpack_from('<I', a, 0)[0], a


def cstr(b):
    return bytes(b[:b.index(0)])


p, srv, c = start('hv_kvp_daemon')
reg = c.recv(16384)
ok(len(reg) == MSG and reg[0] == 100, 'kvp registers with REGISTER1 in a whole struct hv_kvp_msg')
ans = bytearray(MSG)
ans[0] = 100
ans[4:7] = b'3.1'
c.send(bytes(ans))
ln, st, a = kvp_req(c, 1, 0, b'HostKey', b'hello')
ok(ln == MSG and st == 0, 'kvp SET answers a whole message, HV_S_OK')
ln, st, a = kvp_req(c, 0, 0, b'HostKey')
ok(st == 0 and cstr(a[528:]) == b'hello', 'kvp GET returns the value')
with open('/var/lib/hyperv/.kvp_pool_0', 'rb') as f:
    data = f.read()
ok(len(data) == 2560 and data[:8] == b'HostKey\0' and data[512:518] == b'hello\0',
   'kvp .kvp_pool_0 holds one 512+2048-byte record')
names = []
for i in range(10):
    ln, st, a = kvp_req(c, 3, 2, index=i)
    names.append(cstr(a[20:]).decode())
ok(names[1] == 'IntegrationServicesVersion' and names[9] == 'ProcessorArchitecture',
   'kvp pool 2 enumerates upstream\'s keys')
ln, st, a = kvp_req(c, 3, 2, index=1)
ok(cstr(a[532:]) == b'3.1', 'kvp IntegrationServicesVersion is the kernel\'s string')
ln, st, a = kvp_req(c, 3, 2, index=10)
ok(st == 0x80070103, 'kvp pool 2 past the end: HV_S_CONT')
ln, st, a = kvp_req(c, 2, 0, b'HostKey')
ln2, st2, a = kvp_req(c, 0, 0, b'HostKey')
ok(st == 0 and st2 == 0x80070103, 'kvp DELETE, then GET: HV_S_CONT')
ln, st, a = kvp_req(c, 7, 0)
ok(ln == MSG and st == 0x80004005, 'kvp an unknown operation: HV_E_FAIL, the daemon goes on')
c = again(srv, c)
reg = c.recv(16384)
ok(len(reg) == MSG and reg[0] == 100, 'kvp registers again after the device is reset')
p.terminate()
p.wait()

# --- VSS: struct hv_vss_msg is 12 bytes; the kernel answers REGISTER1 with a __u32
p, srv, c = start('hv_vss_daemon', ['-t', '5'])
reg = c.recv(64)
ok(len(reg) == 12 and reg[0] == 129, 'vss registers with REGISTER1 in a struct hv_vss_msg')
c.send(struct.pack('<I', 129))
c.send(bytes([2]) + bytes(11))
a = c.recv(64)
ok(len(a) == 12 and struct.unpack_from('<I', a)[0] == 0, 'vss HOT_BACKUP: HV_S_OK')
c.send(bytes([6]) + bytes(11))
a = c.recv(64)
ok(len(a) == 12 and struct.unpack_from('<I', a)[0] == 0, 'vss THAW with nothing frozen: HV_S_OK')
c.send(bytes([7]) + bytes(11))
a = c.recv(64)
ok(struct.unpack_from('<I', a)[0] == 0x80004005, 'vss another operation: HV_E_FAIL')
c = again(srv, c)
reg = c.recv(64)
ok(len(reg) == 12 and reg[0] == 129, 'vss registers again after the device is reset')
p.terminate()
ok(p.wait() == 0, 'vss exits 0 on SIGTERM')

# --- fcopy: the daemon writes an int, the kernel answers a __u32
p, srv, c = start('hv_fcopy_daemon')
reg = c.recv(64)
ok(reg == struct.pack('<i', 1), 'fcopy registers with FCOPY_VERSION_1 as an int')
c.send(struct.pack('<I', 1))
dest = os.path.join(work, 'fcopy')


def fstart(name, path, flags):
    m = bytearray(1088)
    struct.pack_into('<I', m, 0, 0)
    m[36:36 + len(name)] = name
    m[556:556 + len(path)] = path
    struct.pack_into('<IQ', m, 1076, flags, 11)
    c.send(bytes(m))
    return struct.unpack('<i', c.recv(64))[0] & 0xffffffff


def fwrite(off, data):
    m = bytearray(6196)
    struct.pack_into('<I', m, 0, 1)
    struct.pack_into('<QI', m, 40, off, len(data))
    m[52:52 + len(data)] = data
    c.send(bytes(m))
    return struct.unpack('<i', c.recv(64))[0] & 0xffffffff


def fop(op):
    c.send(struct.pack('<I', op) + bytes(32))
    return struct.unpack('<i', c.recv(64))[0] & 0xffffffff


st = [fstart(b'f.txt', dest.encode() + b'/sub', 2), fwrite(0, b'hello '), fwrite(6, b'world'), fop(2)]
ok(st == [0, 0, 0, 0] and open(dest + '/sub/f.txt').read() == 'hello world',
   'fcopy START (CREATE_PATH), WRITE, COMPLETE make the file')
ok(fstart(b'f.txt', dest.encode() + b'/sub', 0) == 0x80070050, 'fcopy an existing file: HV_ERROR_ALREADY_EXISTS')
st = [fstart(b'g.txt', dest.encode() + b'/sub', 0), fwrite(0, b'partial'), fop(3)]
ok(st == [0, 0, 0] and sorted(os.listdir(dest + '/sub')) == ['f.txt'], 'fcopy CANCEL leaves nothing')
ok(fstart(b'x', b'/tmp/../etc', 2) == 0x80004005, 'fcopy a path with "..": HV_E_FAIL')
c = again(srv, c)
ok(c.recv(64) == struct.pack('<i', 1), 'fcopy registers again after the device is reset')
p.terminate()
p.wait()
