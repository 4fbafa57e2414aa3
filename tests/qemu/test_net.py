"""The network libOS under QEMU virt with user networking: the virtio-net
driver (libos/net), lwIP, the echo server (libos/netecho) and the HTTP
server (libos/httpd), reached from this host through hostfwd on
127.0.0.1 only. docs/net.md describes them.

The machine runs on the host's clock (no -icount): the traffic comes
from real sockets, and QEMU's user network is a host-side thread."""
import hashlib
import os
import random
import re
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rivetqemu import FW_JUMP, QEMU, build_path, interactive, make_initramfs

NODE = "/soc/virtio_mmio@10008000"
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
# The files httpd serves, as the build packed them under /www/ in the
# initramfs (initramfs/www/ and scripts/mkwww's generated ones).
WWW = build_path("initramfs/www")
SRC_WWW = os.path.join(ROOT, "initramfs", "www")
NO_FAULT = (r"kernel fault|panic|assertion failed|unhandled|ignored its "
            r"slice-end|killed")


def config(app, memory, files=True):
    # grace: without -icount the slice timer follows the host's clock, and
    # a loaded host can stop QEMU's vCPU thread for longer than the 1 ms
    # default between the slice-end upcall and the domain's yield.
    return ("[domain %s]\nimage = /libos/%s.elf\nmemory = %s\n"
            "device = %s dma\ngrace = 50ms\n%s" %
            (app, app, memory, NODE, "initramfs = yes\n" if files else ""))


def www_files():
    """The initramfs's /www/ files, for make_initramfs."""
    return {"/www/" + n: os.path.join(WWW, n) for n in sorted(os.listdir(WWW))}


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    """QEMU in the background, its console collected as it comes."""

    def __init__(self, tmp_path, app, memory, fwd, extra=(), files=True):
        """files: the configuration says initramfs = yes (the archive
        holds the /www/ files either way)."""
        packed = {"/libos/%s.elf" % app: build_path("libos/%s.elf" % app)}
        packed.update(www_files())
        initrd = make_initramfs(tmp_path, config(app, memory, files),
                                packed)
        netdev = "user,id=n0," + ",".join(
            "hostfwd=%s:127.0.0.1:%d-:%d" % f for f in fwd)
        self.cmd = [QEMU, "-nographic", "-no-reboot", "-monitor", "none",
                    "-M", "virt", "-smp", "1", "-m", "256M",
                    "-bios", FW_JUMP, "-kernel", build_path("rivet.elf"),
                    "-initrd", initrd, "-netdev", netdev,
                    "-device", "virtio-net-device,netdev=n0"] + list(extra)
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = bytearray()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            self.buf.extend(chunk)

    @property
    def out(self):
        return bytes(self.buf).decode("utf-8", "replace").replace("\r\n",
                                                                  "\n")

    def wait_for(self, pattern, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.out, re.M)
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("no %r in:\n%s" % (pattern, self.out))

    def wait_exit(self, timeout=30):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("QEMU did not stop:\n" + self.out)
        self.thread.join(timeout=5)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.thread.join(timeout=5)


# ------------------------------------------------------------- netecho --

@pytest.fixture(scope="module")
def echo(tmp_path_factory):
    udp, tcp = free_port(socket.SOCK_DGRAM), free_port()
    m = Machine(tmp_path_factory.mktemp("echo"), "netecho", "4M",
                [("udp", udp, 7), ("tcp", tcp, 7)])
    m.udp, m.tcp = udp, tcp
    try:
        m.wait_for(r"netecho: echo on 10\.0\.2\.15 port 7 \(UDP and TCP\)$")
        yield m
    finally:
        m.kill()


def test_net_dhcp_lease_is_logged(echo):
    echo.wait_for(r"net: %s: virtio-mmio version 1 \(legacy\), MAC "
                  r"52:54:00:12:34:56, queues 256\+256, interrupts$" % NODE)
    echo.wait_for(r"net: DHCP lease 10\.0\.2\.15 netmask 255\.255\.255\.0 "
                  r"gateway 10\.0\.2\.2$")


def test_net_udp_echo_1000_datagrams(echo):
    rng = random.Random(15)
    sent, got = hashlib.sha256(), hashlib.sha256()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for i in range(1000):
            data = i.to_bytes(4, "big") + rng.randbytes(rng.randint(0, 1400))
            sent.update(data)
            for attempt in range(3):  # UDP: a datagram may be lost
                s.sendto(data, ("127.0.0.1", echo.udp))
                try:
                    back, _ = s.recvfrom(2048)
                except socket.timeout:
                    continue
                while back[:4] != data[:4]:  # a late copy of a resend
                    back, _ = s.recvfrom(2048)
                break
            else:
                raise AssertionError("datagram %d never came back" % i)
            got.update(back)
    assert got.hexdigest() == sent.hexdigest()


def test_net_tcp_echo_10_mib(echo):
    data = random.Random(16).randbytes(10 << 20)
    received = bytearray()
    with socket.create_connection(("127.0.0.1", echo.tcp), timeout=30) as s:
        writer = threading.Thread(target=s.sendall, args=(data,))
        writer.start()
        while len(received) < len(data):
            chunk = s.recv(1 << 16)
            assert chunk, "connection closed after %d bytes" % len(received)
            received.extend(chunk)
        writer.join()
    assert hashlib.sha256(received).hexdigest() == \
        hashlib.sha256(data).hexdigest()


def test_net_echo_ends_cleanly_when_told(echo):
    # Runs last in this module (pytest keeps file order).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"netecho: quit", ("127.0.0.1", echo.udp))
    echo.wait_exit()
    out = echo.out
    m = re.search(r"netecho: (\d+) datagrams, (\d+) connections \(0 open\), "
                  r"(\d+) bytes echoed", out)
    assert m, out
    assert int(m.group(1)) >= 1001 and int(m.group(3)) >= 10 << 20, out
    assert re.search(r"summary: netecho +id 1 exited, status 0,", out), out
    assert not re.search(NO_FAULT, out), out


def test_net_modern_transport_echoes(tmp_path):
    udp = free_port(socket.SOCK_DGRAM)
    m = Machine(tmp_path, "netecho", "4M", [("udp", udp, 7)],
                ["-global", "virtio-mmio.force-legacy=false"])
    try:
        m.wait_for(r"net: %s: virtio-mmio version 2 \(modern\), MAC "
                   r"52:54:00:12:34:56, queues 256\+256, interrupts$" % NODE)
        m.wait_for(r"netecho: echo on 10\.0\.2\.15 port 7")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(5)
            for i in range(20):
                data = b"modern %d " % i + bytes(range(256)) * 4
                s.sendto(data, ("127.0.0.1", udp))
                assert s.recvfrom(2048)[0] == data
            s.sendto(b"netecho: quit", ("127.0.0.1", udp))
        m.wait_exit()
        assert re.search(r"summary: netecho +id 1 exited, status 0,", m.out)
        assert not re.search(NO_FAULT, m.out), m.out
    finally:
        m.kill()


# --------------------------------------------------------------- httpd --

@pytest.fixture(scope="module")
def httpd(tmp_path_factory):
    port = free_port()
    m = Machine(tmp_path_factory.mktemp("httpd"), "httpd", "8M",
                [("tcp", port, 80)])
    m.port = port
    m.url = "http://127.0.0.1:%d" % port
    try:
        m.wait_for(r"httpd: serving http://10\.0\.2\.15:80/$")
        yield m
        assert not re.search(NO_FAULT, m.out), m.out
        assert m.proc.poll() is None, m.out  # still serving
    finally:
        m.kill()


def curl(*args):
    return subprocess.run(["curl", "-s", "--max-time", "30"] + list(args),
                          capture_output=True, timeout=60)


def www(name):
    with open(os.path.join(WWW, name), "rb") as f:
        return f.read()


@pytest.mark.parametrize("name", ["index.html", "1m.bin"])
def test_net_http_get_matches_the_file(httpd, name):
    p = curl("-f", httpd.url + "/" + name)
    assert p.returncode == 0, p
    assert p.stdout == www(name)


def test_net_http_serves_the_tree_s_file_from_the_initramfs(httpd):
    """index.html is read from the archive the kernel mapped, not from
    the image: the bytes are the source tree's file."""
    with open(os.path.join(SRC_WWW, "index.html"), "rb") as f:
        want = f.read()
    p = curl("-f", httpd.url + "/index.html")
    assert p.stdout == want
    assert re.search(r"launch: domain httpd: initramfs read-only at "
                     r"0x3fe02[0-9a-f]{5}, \d+ bytes", httpd.out), httpd.out
    assert re.search(r"httpd: 4 files, port 80$", httpd.out, re.M)


def test_net_http_missing_from_the_initramfs_is_404(httpd):
    """A path the archive has outside /www/ is not served either."""
    for path in ("/missing.html", "/etc/rivet.conf", "/libos/httpd.elf",
                 "/www/index.html"):
        p = curl("-o", "/dev/null", "-w", "%{http_code}", httpd.url + path)
        assert p.stdout == b"404", path


def test_net_http_without_the_key_serves_nothing(tmp_path):
    """No initramfs = yes: the kernel maps nothing, httpd says so and
    answers 404 even for files the archive holds."""
    port = free_port()
    m = Machine(tmp_path, "httpd", "8M", [("tcp", port, 80)], files=False)
    try:
        m.wait_for(r"httpd: serving http://10\.0\.2\.15:80/$")
        assert "httpd: no initramfs (initramfs = yes in its configuration)" \
            in m.out
        assert "initramfs read-only" not in m.out
        p = curl("-o", "/dev/null", "-w", "%{http_code}",
                 "http://127.0.0.1:%d/index.html" % port)
        assert p.stdout == b"404"
        assert not re.search(NO_FAULT, m.out), m.out
    finally:
        m.kill()


def test_net_http_root_is_index(httpd):
    assert curl("-f", httpd.url + "/").stdout == www("index.html")


def test_net_http_head_gives_headers_only(httpd):
    p = curl("-I", httpd.url + "/16k.bin")
    head = p.stdout.decode()
    assert head.startswith("HTTP/1.1 200 OK\r\n"), head
    assert "\r\nContent-Length: 16384\r\n" in head, head
    assert head.endswith("\r\n\r\n"), head  # and no body after it


def test_net_http_missing_file_is_404(httpd):
    p = curl("-o", "/dev/null", "-w", "%{http_code}", httpd.url + "/nope")
    assert p.stdout == b"404"


def test_net_http_keep_alive_reuses_the_connection(httpd):
    before = stats(httpd)["accepted"]
    p = curl("-v", "-o", "/dev/null", "-o", "/dev/null",
             httpd.url + "/128.txt", httpd.url + "/index.html")
    assert p.returncode == 0, p
    assert b"Re-using existing connection" in p.stderr, p.stderr
    # The two requests came in one connection (plus stats' own).
    assert stats(httpd)["accepted"] == before + 2


def read_answer(f):
    """One HTTP answer from the file f: (status line, headers, body)."""
    status = f.readline()
    headers = {}
    while True:
        line = f.readline()
        assert line, "connection closed in the header"
        if line == b"\r\n":
            break
        k, v = line.decode().split(":", 1)
        headers[k.strip().lower()] = v.strip()
    return status, headers, f.read(int(headers["content-length"]))


def test_net_http_pipelined_requests_answered_in_order(httpd):
    names = ["1m.bin", "16k.bin", "nope", "128.txt", "index.html"]
    req = b"".join(b"GET /%s HTTP/1.1\r\nHost: a\r\n\r\n" % n.encode()
                   for n in names)
    with socket.create_connection(("127.0.0.1", httpd.port),
                                  timeout=30) as s:
        s.sendall(req)
        f = s.makefile("rb")
        for name in names:
            status, headers, body = read_answer(f)
            if name == "nope":
                assert status.startswith(b"HTTP/1.1 404 "), status
            else:
                assert status == b"HTTP/1.1 200 OK\r\n", (name, status)
                assert body == www(name), name
            assert headers["connection"] == "keep-alive"


def test_net_http_body_checksums_come_from_the_tables(httpd):
    """The Cheetah precomputation is in use: the TCP checksums of a
    file's header and body are taken from httpd's tables (chksum_sum's
    counter grows by at least the answer's size), and they are right
    (slirp drops a segment whose checksum is wrong, and the bytes would
    not arrive). At start-up httpd sums 16 KiB of its largest file both
    ways, with lwIP's own loop and from the table, and says whether the
    two agree."""
    assert re.search(r"httpd: checksum of 16384 bytes of /1m\.bin: \d+ "
                     r"insns plain, \d+ from the table\r?$", httpd.out,
                     re.M), httpd.out
    before = stats(httpd)["chksum_table_bytes"]
    p = curl("-f", httpd.url + "/16k.bin")
    assert p.returncode == 0, p
    assert p.stdout == www("16k.bin")
    grown = stats(httpd)["chksum_table_bytes"] - before
    assert grown >= 16384, grown


def test_net_http_keep_alive_answers_carry_the_ack(httpd):
    """Each answer on a keep-alive connection goes out as one frame that
    also acknowledges its request: no separate ACK frame per request."""
    n = 50
    before = stats(httpd)["tx_frames"]
    with socket.create_connection(("127.0.0.1", httpd.port),
                                  timeout=30) as s:
        f = s.makefile("rb")
        for _ in range(n):
            s.sendall(b"GET /128.txt HTTP/1.1\r\nHost: a\r\n\r\n")
            status, _, body = read_answer(f)
            assert status == b"HTTP/1.1 200 OK\r\n" and body == \
                www("128.txt")
    time.sleep(0.5)  # the close's FIN and ACK
    sent = stats(httpd)["tx_frames"] - before
    # n answers, plus the two connections' handshakes and closes and
    # the first stats answer: a dozen at most. A separate ACK for each
    # request would add n.
    assert n <= sent <= n + 12, sent


def raw(httpd, data, shut=False):
    with socket.create_connection(("127.0.0.1", httpd.port),
                                  timeout=10) as s:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return out
            out += chunk


@pytest.mark.parametrize("request_,status", [
    (b"garbage\r\n\r\n", 400),
    (b"GET /index.html\r\n\r\n", 400),            # no version
    (b"GET / HTTP/1.1\r\n\r\n", 400),             # 1.1 without Host
    (b"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400),   # field without colon
    (b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 400),
    (b"POST / HTTP/1.1\r\nHost: a\r\n\r\n", 501),
    (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 431),
])
def test_net_http_bad_request_gets_its_status_and_close(httpd, request_,
                                                        status):
    out = raw(httpd, request_)
    assert out.startswith(b"HTTP/1.1 %d " % status), out
    assert b"\r\nConnection: close\r\n" in out, out


def test_net_http_client_gone_mid_response(httpd):
    # Reads 10 KiB of the 1 MiB file and resets the connection.
    s = socket.create_connection(("127.0.0.1", httpd.port), timeout=10)
    s.sendall(b"GET /1m.bin HTTP/1.1\r\nHost: a\r\n\r\n")
    got = b""
    while len(got) < 10240:
        got += s.recv(4096)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    assert curl("-f", httpd.url + "/128.txt").stdout == www("128.txt")
    wait_baseline(httpd)


def stats(httpd):
    p = curl("-f", httpd.url + "/_rivet/stats")
    assert p.returncode == 0, p
    return {k: int(v) for k, v in
            (line.split() for line in p.stdout.decode().splitlines())}


BASELINE_KEYS = ("conns", "pcbs_active", "pbuf_pool_used", "pbuf_ref_used",
                 "seg_used")


def wait_baseline(httpd, timeout=20):
    """Only the stats request's own connection is open, and the pools
    hold what they hold when idle."""
    end = time.monotonic() + timeout
    while True:
        s = stats(httpd)
        if s["conns"] == 1 and s["pcbs_active"] == 1 and \
                s["pbuf_pool_used"] == 0 and s["pbuf_ref_used"] == 0 and \
                s["seg_used"] == 0:
            return s
        assert time.monotonic() < end, s
        time.sleep(0.5)


def one_connection(port, i):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        if i % 2:  # every other one asks for a file and reads it whole
            s.sendall(b"GET /128.txt HTTP/1.1\r\nHost: a\r\n"
                      b"Connection: close\r\n\r\n")
            out = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                out += chunk
            assert out.startswith(b"HTTP/1.1 200 OK\r\n"), out
            assert out.endswith(www("128.txt")), out


def test_net_http_1000_connections_leave_no_leak(httpd):
    before = wait_baseline(httpd)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: one_connection(httpd.port, i), range(1000)))
    after = wait_baseline(httpd)
    # Every fetch was answered (one_connection checked the bytes; more
    # stats requests may have come from wait_baseline). A
    # connection the client closes at once may never reach the guest:
    # slirp opens the guest side only after accepting the host side.
    assert after["requests"] - before["requests"] >= 500 + 1, (before,
                                                               after)
    assert after["accepted"] - before["accepted"] >= 900, \
        (before, after)
    assert after["refused"] == before["refused"], (before, after)
    for k in BASELINE_KEYS:
        assert after[k] == before[k], (k, before, after)


def test_net_http_slow_request_times_out(httpd):
    # Half a request, then nothing: answered 408 and closed after 10 s.
    with socket.create_connection(("127.0.0.1", httpd.port),
                                  timeout=30) as s:
        start = time.monotonic()
        s.sendall(b"GET /index.html HTTP/1.1\r\nHost: a\r\n")
        out = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    assert out.startswith(b"HTTP/1.1 408 "), out
    assert 9 <= time.monotonic() - start < 20


def test_net_make_run_serves_the_page_then_powers_off():
    """What the README promises: make run, then curl the page."""
    port = free_port()
    got = {}

    def fetch(out):
        if not re.search(r"httpd: serving http://10\.0\.2\.15:80/$", out,
                         re.M) or not out.endswith("rivet> "):
            return False
        if "page" not in got:
            got["page"] = curl("-f", "http://localhost:%d/" % port).stdout
        return True

    b = interactive(["make", "-s", "run", "NETPORT=%d" % port,
                     "O=" + os.path.relpath(build_path(""), ROOT)],
                    [(fetch, b"exit\r")], timeout=120, cwd=ROOT)
    assert "run: network: http://localhost:%d/ is forwarded" % port in b.out
    assert got["page"] == www("index.html")
    assert re.search(r"summary: httpd +id 5 exited, status 0,", b.out), b
    assert re.search(r"rivet: powering off$", b.out, re.M), b
    assert not re.search(NO_FAULT, b.out), b
