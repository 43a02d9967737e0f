# Shared by the Python client drivers of test/compat/python-clients.test.ts.
#
# A driver is run as `/usr/bin/python3 <driver>.py <op> <json-args>`; it prints
# exactly one JSON document on stdout (the result) and logs to stderr, which the
# test shows when a call fails. Keys, values and header values travel as UTF-8
# strings (None/null stays null), so the test can compare them exactly.
import base64
import json
import sys
import time
import traceback


def text(b):
    """bytes -> str (None stays None; bytes that are not UTF-8 become "base64:<...>")."""
    if b is None:
        return None
    if not isinstance(b, (bytes, bytearray)):
        return str(b)
    try:
        return b.decode('utf-8')
    except UnicodeDecodeError:
        return 'base64:' + base64.b64encode(b).decode('ascii')


def raw(s):
    """str -> bytes (None stays None)."""
    if s is None:
        return None
    return s.encode('utf-8')


def headers_out(hs):
    return [[k, text(v)] for k, v in (hs or [])]


def log(*args):
    print(time.strftime('%H:%M:%S'), *args, file=sys.stderr, flush=True)


def deadline(seconds):
    end = time.monotonic() + seconds
    return lambda: time.monotonic() < end


def main(ops):
    if len(sys.argv) < 2 or sys.argv[1] not in ops:
        print('usage: %s <%s> [json-args]' % (sys.argv[0], '|'.join(sorted(ops))), file=sys.stderr)
        sys.exit(2)
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        result = ops[sys.argv[1]](args)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
